import { addBuckets, createHistogram, readBuckets, toBuckets, valuesAtPercentiles } from '@locusta/stats';
import type { Histogram } from './histograms.ts';
import { record } from './histograms.ts';

// The figures a server reports about its own answers (Ollama's durations, llama.cpp's timings
// object), kept as histograms per (endpoint name, model) and merged from workers like the LLM
// statistics. One implementation, parameterised by a family's list of fields.

/** One figure of a server's answer. */
export interface ServerField<F> {
  /** Its key in the histograms and in a worker's report. */
  id: string;
  /** Its value in the answer, in the field's unit (ms, tokens/s, tokens); undefined when the server left it out. */
  read(figures: F): number | undefined;
  /**
   * Histogram units per unit: 1000 for ms (the histogram holds µs, as every latency histogram
   * does, so /metrics can bucket it in seconds) and for rates (thousandths); 1 for token counts.
   */
  scale: number;
}

/** An entry's plain data, as a worker sends it: each field's histogram as buckets, its sum in units. */
export interface ServerTimingsEntryData {
  name: string;
  model: string;
  /** Answers that carried the server's figures. */
  requests: number;
  histograms: Record<string, number[]>;
  sums: Record<string, number>;
}

export interface ServerTimingsData {
  entries: ServerTimingsEntryData[];
}

/** The server's figures of one (endpoint name, model), or of all (Aggregated). */
export class ServerTimingsEntry<F = unknown> {
  requests = 0;
  readonly histograms: Record<string, Histogram> = {};
  readonly sums: Record<string, number> = {};

  constructor(
    readonly fields: readonly ServerField<F>[],
    readonly name: string,
    readonly model: string,
  ) {
    for (const f of fields) {
      this.histograms[f.id] = createHistogram();
      this.sums[f.id] = 0;
    }
  }

  /** Adds one answer's figures; a figure the server left out is not recorded (not a zero). */
  record(figures: F): void {
    this.requests++;
    for (const f of this.fields) {
      const v = f.read(figures);
      if (v === undefined || !Number.isFinite(v) || v < 0) continue;
      record(this.histograms[f.id]!, v * f.scale);
      this.sums[f.id]! += v;
    }
  }

  /** A percentile of a field in its unit; null without samples. */
  value(field: string, p: number): number | null {
    const h = this.histograms[field]!;
    const scale = this.fields.find((f) => f.id === field)!.scale;
    return h.totalCount === 0 ? null : valuesAtPercentiles(h, [p])[0]! / scale;
  }

  /** The sum of a field over the answers, in its unit (exact, not read back from buckets). */
  sum(field: string): number {
    return this.sums[field]!;
  }

  count(field: string): number {
    return this.histograms[field]!.totalCount;
  }

  serialize(): ServerTimingsEntryData {
    const histograms: Record<string, number[]> = {};
    for (const f of this.fields) histograms[f.id] = toBuckets(this.histograms[f.id]!);
    return { name: this.name, model: this.model, requests: this.requests, histograms, sums: { ...this.sums } };
  }

  merge(data: ServerTimingsEntryData): void {
    this.requests += data.requests;
    for (const f of this.fields) {
      addBuckets(this.histograms[f.id]!, data.histograms[f.id]!);
      this.sums[f.id]! += data.sums[f.id]!;
    }
  }
}

/**
 * A server's figures per endpoint name and model: the server's view, to set beside the client's
 * TTFT and E2E (the difference is queueing and the network).
 */
export class ServerTimingsStats<F = unknown> {
  readonly #entries = new Map<string, ServerTimingsEntry<F>>();
  total: ServerTimingsEntry<F>;

  constructor(readonly fields: readonly ServerField<F>[]) {
    this.total = new ServerTimingsEntry(fields, 'Aggregated', '');
  }

  record(name: string, model: string, figures: F): void {
    this.#entry(name, model).record(figures);
    this.total.record(figures);
  }

  /** The entries by name then model. */
  entries(): ServerTimingsEntry<F>[] {
    return [...this.#entries.values()].sort((a, b) => a.name.localeCompare(b.name) || a.model.localeCompare(b.model));
  }

  serialize(): ServerTimingsData {
    return { entries: this.entries().map((e) => e.serialize()) };
  }

  /** Adds a worker's part (checked with `checkServerTimings`); Aggregated is the sum of the entries, so it cannot disagree with them. */
  merge(data: ServerTimingsData): void {
    for (const e of data.entries) {
      this.#entry(e.name, e.model).merge(e);
      this.total.merge(e);
    }
  }

  reset(): void {
    this.#entries.clear();
    this.total = new ServerTimingsEntry(this.fields, 'Aggregated', '');
  }

  #entry(name: string, model: string): ServerTimingsEntry<F> {
    const key = `${name}\n${model}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = new ServerTimingsEntry(this.fields, name, model);
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a worker's part is malformed for these fields, or undefined when a master may merge it. */
export function checkServerTimings(fields: readonly ServerField<unknown>[], v: unknown): string | undefined {
  if (!isObject(v)) return 'expected an object';
  const entries = v['entries'];
  if (!Array.isArray(entries) || entries.length > 10_000) return 'entries: expected an array of at most 10000';
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (!isObject(e)) return `entries[${i}]: expected an object`;
    if (typeof e['name'] !== 'string' || e['name'].length > 8192) return `entries[${i}].name: expected a string of at most 8192 characters`;
    if (typeof e['model'] !== 'string' || e['model'].length > 1024) return `entries[${i}].model: expected a string of at most 1024 characters`;
    if (!isCount(e['requests'])) return `entries[${i}].requests: expected an integer >= 0`;
    const histograms = e['histograms'];
    const sums = e['sums'];
    if (!isObject(histograms)) return `entries[${i}].histograms: expected an object`;
    if (!isObject(sums)) return `entries[${i}].sums: expected an object`;
    for (const f of fields) {
      const read = readBuckets(histograms[f.id]);
      if (typeof read === 'string') return `entries[${i}].histograms.${f.id}: ${read}`;
      if (read.total > e['requests']) return `entries[${i}].histograms.${f.id} holds ${read.total} samples, more than requests ${e['requests']}`;
      const sum = sums[f.id];
      if (typeof sum !== 'number' || !Number.isFinite(sum) || sum < 0) return `entries[${i}].sums.${f.id}: expected a finite number >= 0`;
    }
  }
  return undefined;
}
