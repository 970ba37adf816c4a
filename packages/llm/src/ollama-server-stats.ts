import { addBuckets, createHistogram, readBuckets, toBuckets, valuesAtPercentiles } from '@locusta/stats';
import type { Histogram } from './histograms.ts';
import { record } from './histograms.ts';
import type { OllamaFinal } from './ollama-chunks.ts';

/** The server's own timings Ollama reports in its last object, by the name of their histogram. */
const SERVER_TIMINGS = {
  load: 'load_duration',
  promptEval: 'prompt_eval_duration',
  eval: 'eval_duration',
  total: 'total_duration',
} as const satisfies Record<string, keyof OllamaFinal>;
export type ServerTiming = keyof typeof SERVER_TIMINGS;
const TIMINGS = Object.keys(SERVER_TIMINGS) as ServerTiming[];

/** An entry's plain data, as a worker sends it: the histograms as buckets of µs. */
export interface OllamaEntryData {
  name: string;
  model: string;
  /** Answers that carried the server's timings (their last object came). */
  requests: number;
  load: number[];
  promptEval: number[];
  eval: number[];
  total: number[];
}

/** The server-side timings of one (endpoint name, model), or of all (Aggregated). */
export class OllamaEntry {
  requests = 0;
  readonly histograms: Record<ServerTiming, Histogram> = {
    load: createHistogram(),
    promptEval: createHistogram(),
    eval: createHistogram(),
    total: createHistogram(),
  };

  constructor(
    readonly name: string,
    readonly model: string,
  ) {}

  /** Adds one answer's timings (ns); a duration the server left out is not recorded. */
  record(final: OllamaFinal): void {
    this.requests++;
    for (const t of TIMINGS) {
      const ns = final[SERVER_TIMINGS[t]];
      if (ns !== undefined) record(this.histograms[t], ns / 1000);
    }
  }

  /** Percentiles of a timing in ms; null without samples. */
  ms(timing: ServerTiming, p: number): number | null {
    const h = this.histograms[timing];
    return h.totalCount === 0 ? null : valuesAtPercentiles(h, [p])[0]! / 1000;
  }

  count(timing: ServerTiming): number {
    return this.histograms[timing].totalCount;
  }

  serialize(): OllamaEntryData {
    const h = this.histograms;
    return { name: this.name, model: this.model, requests: this.requests, load: toBuckets(h.load), promptEval: toBuckets(h.promptEval), eval: toBuckets(h.eval), total: toBuckets(h.total) };
  }

  merge(data: OllamaEntryData): void {
    this.requests += data.requests;
    for (const t of TIMINGS) addBuckets(this.histograms[t], data[t]);
  }
}

export interface OllamaStatsData {
  entries: OllamaEntryData[];
}

/**
 * The timings Ollama reports for each answer (model load, prompt evaluation, generation, total),
 * per endpoint name and model: the server's view, to set beside the client's TTFT and E2E (the
 * difference is queueing and the network). Merged from workers like the LLM statistics.
 */
export class OllamaServerStats {
  readonly #entries = new Map<string, OllamaEntry>();
  total = new OllamaEntry('Aggregated', '');

  record(name: string, model: string, final: OllamaFinal): void {
    this.#entry(name, model).record(final);
    this.total.record(final);
  }

  /** The entries by name then model. */
  entries(): OllamaEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.name.localeCompare(b.name) || a.model.localeCompare(b.model));
  }

  serialize(): OllamaStatsData {
    return { entries: this.entries().map((e) => e.serialize()) };
  }

  /** Adds a worker's part; the Aggregated entry is rebuilt from the entries, so it cannot disagree with them. */
  merge(data: OllamaStatsData): void {
    for (const e of data.entries) {
      this.#entry(e.name, e.model).merge(e);
      this.total.merge(e);
    }
  }

  reset(): void {
    this.#entries.clear();
    this.total = new OllamaEntry('Aggregated', '');
  }

  #entry(name: string, model: string): OllamaEntry {
    const key = `${name}\n${model}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = new OllamaEntry(name, model);
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a worker's part is malformed, or undefined when a master may merge it. */
export function checkOllamaReport(v: unknown): string | undefined {
  if (!isObject(v)) return 'expected an object';
  const entries = v['entries'];
  if (!Array.isArray(entries) || entries.length > 10_000) return 'entries: expected an array of at most 10000';
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (!isObject(e)) return `entries[${i}]: expected an object`;
    if (typeof e['name'] !== 'string' || e['name'].length > 8192) return `entries[${i}].name: expected a string of at most 8192 characters`;
    if (typeof e['model'] !== 'string' || e['model'].length > 1024) return `entries[${i}].model: expected a string of at most 1024 characters`;
    if (!isCount(e['requests'])) return `entries[${i}].requests: expected an integer >= 0`;
    for (const t of TIMINGS) {
      const read = readBuckets(e[t]);
      if (typeof read === 'string') return `entries[${i}].${t}: ${read}`;
      if (read.total > e['requests']) return `entries[${i}].${t} holds ${read.total} samples, more than requests ${e['requests']}`;
    }
  }
  return undefined;
}
