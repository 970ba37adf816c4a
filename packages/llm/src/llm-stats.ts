import type { GoodputSpec } from './goodput.ts';
import { meetsGoodput } from './goodput.ts';
import type { LlmEntryData, LlmSample } from './llm-entry.ts';
import { LlmEntry } from './llm-entry.ts';
import type { RateWindow } from './per-second.ts';
import { rateWindow } from './per-second.ts';

/** The name of the entry that sums all the others, as in the request statistics. */
export const AGGREGATED = 'Aggregated';

/** LlmStats as plain data (JSON and msgpack safe). */
export interface LlmStatsData {
  entries: LlmEntryData[];
  total: LlmEntryData;
}

/**
 * Token metrics per (endpoint name, model), and in total. Kept apart from the request
 * statistics: those count every HTTP request, these describe generations (TTFT, ITL, TPOT,
 * tokens), as LLM_METRICS.md defines them.
 *
 * A worker sends `serialize()` and then `reset()`s, so each report carries the samples since
 * the last; a master `merge()`s them. Counts add and histogram buckets add, so the merged
 * statistics are exactly those of one process that recorded everything.
 */
export class LlmStats {
  /** Goodput bounds; set before the test, as a request is judged when it is recorded. */
  goodput: GoodputSpec | undefined;
  #entries = new Map<string, LlmEntry>();
  #total = this.#newTotal();

  constructor(goodput?: GoodputSpec) {
    this.goodput = goodput;
  }

  /** Records one request (see LlmSample). */
  record(sample: LlmSample): void {
    const tpot = timePerOutputToken(sample);
    const good = this.goodput !== undefined && sample.outcome === 'success' && meetsGoodput(this.goodput, { ttft: sample.ttft, tpot, e2e: sample.e2e });
    this.#entry(sample.name, sample.model).record(sample, tpot, good);
    this.#total.record(sample, tpot, good);
  }

  /** The entries, sorted by name then model. */
  entries(): LlmEntry[] {
    return [...this.#entries.values()].sort((a, b) => compare(a.name, b.name) || compare(a.model, b.model));
  }

  /** The entry of a name and model, if any request was recorded for it. */
  get(name: string, model: string): LlmEntry | undefined {
    return this.#entries.get(key(name, model));
  }

  /** The Aggregated entry. */
  get total(): LlmEntry {
    return this.#total;
  }

  serialize(): LlmStatsData {
    return { entries: this.entries().map((entry) => entry.serialize()), total: this.#total.serialize() };
  }

  /** Adds what another LlmStats serialized. */
  merge(data: LlmStatsData): void {
    for (const entry of data.entries) this.#entry(entry.name, entry.model).merge(entry);
    this.#total.merge(data.total);
  }

  /** Forgets every sample; the goodput bounds stay. */
  reset(): void {
    this.#entries = new Map();
    this.#total = this.#newTotal();
  }

  /**
   * The seconds the current rates of every entry average over: Locust's current RPS window,
   * anchored on the last request any entry finished. Null before any request.
   */
  currentWindow(): RateWindow | null {
    return rateWindow(this.#total.firstStart, this.#total.lastEnd);
  }

  #newTotal(): LlmEntry {
    return new LlmEntry(AGGREGATED, '', () => this.currentWindow());
  }

  #entry(name: string, model: string): LlmEntry {
    const k = key(name, model);
    let entry = this.#entries.get(k);
    if (entry === undefined) {
      entry = new LlmEntry(name, model, () => this.currentWindow());
      this.#entries.set(k, entry);
    }
    return entry;
  }
}

/**
 * vLLM's TPOT: the time per output token after the first, `(e2e - ttft) / (output tokens - 1)`.
 * Undefined without a TTFT (not streamed) or with fewer than two output tokens.
 */
export function timePerOutputToken(sample: Pick<LlmSample, 'e2e' | 'ttft' | 'outputTokens'>): number | undefined {
  const out = sample.outputTokens;
  if (sample.ttft === undefined || out === undefined || out < 2) return undefined;
  return (sample.e2e - sample.ttft) / (out - 1);
}

function key(name: string, model: string): string {
  return `${name}\u0000${model}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
