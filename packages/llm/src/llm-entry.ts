import type { Histogram } from './histograms.ts';
import { addBuckets, createHistogram, toBuckets, toMicros, valuesAtPercentiles } from '@locusta/stats';
import { record } from './histograms.ts';
import type { CountTotals, RateWindow, SecondCounts } from './per-second.ts';
import { PerSecondCounts, rateWindow } from './per-second.ts';

/** Where a request's token counts came from: the server's `usage`, content chunks counted, or nowhere. */
export type TokenSource = 'usage' | 'chunks' | 'none';

/** How a request ended, as LlmStats counts it. */
export type LlmOutcome = 'success' | 'shed' | 'failure';

/** One chat or completion request, as OpenAIUser measured it (times in ms). */
export interface LlmSample {
  /** The stats entry name (the `name` option, else the path). */
  name: string;
  model: string;
  outcome: LlmOutcome;
  /** A shed response carried a Retry-After header. */
  retryAfter?: boolean;
  /** Unix time in ms at which the request was sent. */
  startTime: number;
  /** Sent to last byte (streamed: to `[DONE]` or the end of the body). */
  e2e: number;
  /** Sent to the first output chunk (content, reasoning or tool calls); streamed requests only. */
  ttft?: number;
  /** Sent to the first answer chunk (content or tool calls, not reasoning); streamed requests only. */
  answerTtft?: number;
  /** The gaps between consecutive output chunks, reasoning included; streamed requests only. */
  itl?: readonly number[];
  inputTokens?: number;
  /** Every output token, reasoning included. */
  outputTokens?: number;
  /** How many of the output tokens were reasoning, when known (at most outputTokens). */
  reasoningTokens?: number;
  /** Prompt tokens served from the server's prefix cache (`usage.prompt_tokens_details.cached_tokens`). */
  cachedTokens?: number;
  /**
   * The tokenizer's count of the prompt sent, when the run checks usage (see LLM_METRICS.md,
   * "Token counts checked"); absent when not checked.
   */
  expectedInputTokens?: number;
  /**
   * The server's counts disagreed with the client's: `usage.prompt_tokens` outside [expected,
   * expected + tolerance], or Ollama's counts (LLM_METRICS.md); absent when not checked.
   */
  usageMismatch?: boolean;
  tokenSource: TokenSource;
}

/** An entry's plain-data form: what a worker sends and a master merges. */
export interface LlmEntryData {
  name: string;
  model: string;
  requests: number;
  successes: number;
  shed: number;
  retryAfter: number;
  failures: number;
  /** Successes that met every goodput bound (0 when no goodput was set). */
  good: number;
  inputTokens: number;
  outputTokens: number;
  /**
   * Reasoning and answer output tokens, summed over the successes whose split is known (so
   * together at most outputTokens).
   */
  reasoningTokens: number;
  answerTokens: number;
  /** Prompt tokens the server served from its prefix cache (`cached_tokens`), summed over successes. */
  cachedTokens?: number;
  /** Successes whose token counts were checked (LLM_METRICS.md, "Token counts checked"), and those that disagreed. */
  usageChecked?: number;
  usageMismatches?: number;
  /** Successful requests whose output tokens came from `usage`, from chunks, or from nowhere. */
  sources: Record<TokenSource, number>;
  /** Unix ms of the first request sent and the last one finished; null before any. */
  firstStart: number | null;
  lastEnd: number | null;
  /** Histogram buckets (`[index, count, ...]`): latencies in µs, token counts, tokens/s × 1000. */
  ttft: number[];
  answerTtft: number[];
  itl: number[];
  tpot: number[];
  e2e: number[];
  inputTokensPerRequest: number[];
  outputTokensPerRequest: number[];
  outputTokensPerSecond: number[];
  /** Requests, shed and output tokens per unix second in which requests finished. */
  perSecond: SecondCounts[];
}

/** The latency metrics an entry holds, by name. */
export type LatencyMetric = 'ttft' | 'answerTtft' | 'itl' | 'tpot' | 'e2e';

/** The histograms of an entry, by their key in LlmEntryData. */
const HISTOGRAMS = ['ttft', 'answerTtft', 'itl', 'tpot', 'e2e', 'inputTokensPerRequest', 'outputTokensPerRequest', 'outputTokensPerSecond'] as const;
type HistogramKey = (typeof HISTOGRAMS)[number];

/** Per-request tokens/s are kept in thousandths, so slow answers keep 3 significant digits. */
const RATE_SCALE = 1000;

/** The token metrics of one (endpoint name, model), or of all of them (the Aggregated entry). */
export class LlmEntry {
  readonly name: string;
  readonly model: string;
  requests = 0;
  successes = 0;
  /** 503 and 429 responses: the server refused the load (apart from other failures). */
  shed = 0;
  /** Shed responses that carried Retry-After. */
  retryAfter = 0;
  /** Other failures: connection errors, timeouts, other statuses, broken streams. */
  failures = 0;
  good = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Reasoning and answer output tokens of the successes whose split is known. */
  reasoningTokens = 0;
  answerTokens = 0;
  /** Prompt tokens served from the server's prefix cache, summed over the successes that reported them. */
  cachedTokens = 0;
  /** Successes whose prompt tokens were checked against the tokenizer, and those that disagreed. */
  usageChecked = 0;
  usageMismatches = 0;
  sources: Record<TokenSource, number> = { usage: 0, chunks: 0, none: 0 };
  firstStart = Infinity;
  lastEnd = -Infinity;
  readonly histograms: Record<HistogramKey, Histogram>;
  readonly #perSecond = new PerSecondCounts();
  readonly #window: () => RateWindow | null;

  /**
   * `window` gives the seconds the current rates average over; LlmStats passes the window of
   * its Aggregated entry so every row covers the same seconds (as Locust's current RPS does).
   * By default, the entry's own.
   */
  constructor(name: string, model: string, window?: () => RateWindow | null) {
    this.name = name;
    this.model = model;
    this.histograms = fresh();
    this.#window = window ?? (() => rateWindow(this.firstStart, this.lastEnd));
  }

  /** Counts a request; `good` says it met the goodput bounds. Latencies and tokens count for successes only. */
  record(sample: LlmSample, tpot: number | undefined, good: boolean): void {
    this.requests++;
    this.firstStart = Math.min(this.firstStart, sample.startTime);
    const end = sample.startTime + sample.e2e;
    this.lastEnd = Math.max(this.lastEnd, end);
    const tokens = sample.outcome === 'success' ? (sample.outputTokens ?? 0) : 0;
    this.#perSecond.add(Math.floor(end / 1000), 1, sample.outcome === 'shed' ? 1 : 0, tokens);
    if (sample.outcome === 'shed') {
      this.shed++;
      if (sample.retryAfter) this.retryAfter++;
      return;
    }
    if (sample.outcome === 'failure') {
      this.failures++;
      return;
    }
    this.successes++;
    if (good) this.good++;
    const h = this.histograms;
    record(h.e2e, toMicros(sample.e2e));
    if (sample.ttft !== undefined) record(h.ttft, toMicros(sample.ttft));
    if (sample.answerTtft !== undefined) record(h.answerTtft, toMicros(sample.answerTtft));
    if (sample.itl) for (const gap of sample.itl) record(h.itl, toMicros(gap));
    if (tpot !== undefined) record(h.tpot, toMicros(tpot));
    this.sources[sample.tokenSource]++;
    if (sample.cachedTokens !== undefined && sample.cachedTokens >= 0) this.cachedTokens += sample.cachedTokens;
    if (sample.usageMismatch !== undefined) {
      this.usageChecked++;
      if (sample.usageMismatch) this.usageMismatches++;
    }
    if (sample.inputTokens !== undefined) {
      this.inputTokens += sample.inputTokens;
      record(h.inputTokensPerRequest, sample.inputTokens);
    }
    if (sample.outputTokens !== undefined) {
      this.outputTokens += sample.outputTokens;
      record(h.outputTokensPerRequest, sample.outputTokens);
      const reasoning = sample.reasoningTokens;
      if (reasoning !== undefined && reasoning >= 0 && reasoning <= sample.outputTokens) {
        this.reasoningTokens += reasoning;
        this.answerTokens += sample.outputTokens - reasoning;
      }
      if (sample.e2e > 0) record(h.outputTokensPerSecond, (sample.outputTokens / (sample.e2e / 1000)) * RATE_SCALE);
    }
  }

  /** Latency percentiles in ms (`ps` are fractions in [0, 1]). */
  latency(metric: LatencyMetric, ps: readonly number[]): number[] {
    return valuesAtPercentiles(this.histograms[metric], ps).map((us) => us / 1000);
  }

  /** Percentiles of the per-request output tokens/s. */
  requestTokensPerSecond(ps: readonly number[]): number[] {
    return valuesAtPercentiles(this.histograms.outputTokensPerSecond, ps).map((v) => v / RATE_SCALE);
  }

  /** Samples in a latency histogram (ITL has one per gap, not per request). */
  count(metric: LatencyMetric): number {
    return this.histograms[metric].totalCount;
  }

  /** Seconds from the first request sent to the last one finished; 0 before any. */
  get wallSeconds(): number {
    return this.requests === 0 ? 0 : Math.max(this.lastEnd - this.firstStart, 0) / 1000;
  }

  /** Output tokens over the wall time: the throughput the server delivered. */
  get outputTokensPerSecond(): number {
    const s = this.wallSeconds;
    return s > 0 ? this.outputTokens / s : 0;
  }

  /** Per-second means of requests, shed responses and output tokens over the current window; 0 before it has a second. */
  currentRates(): CountTotals {
    const w = this.#window();
    if (w === null) return { requests: 0, shed: 0, outputTokens: 0 };
    const sums = this.#perSecond.sum(w.from, w.to);
    const seconds = Math.max(w.to - w.from, 1);
    return { requests: sums.requests / seconds, shed: sums.shed / seconds, outputTokens: sums.outputTokens / seconds };
  }

  /** Requests finished per second, shed and failed ones included, over the current window. */
  get currentRequestsPerSecond(): number {
    return this.currentRates().requests;
  }

  /** 503 and 429 answers per second over the current window. */
  get currentShedPerSecond(): number {
    return this.currentRates().shed;
  }

  /** Output tokens of successful requests per second over the current window (counted when each finished). */
  get currentOutputTokensPerSecond(): number {
    return this.currentRates().outputTokens;
  }

  /** Good requests over all requests sent (shed and failed ones included). */
  get goodputRatio(): number {
    return this.requests === 0 ? 0 : this.good / this.requests;
  }

  /** Good requests per second of wall time. */
  get goodputRate(): number {
    const s = this.wallSeconds;
    return s > 0 ? this.good / s : 0;
  }

  /** `usage`, `chunks` or `none` when every success agrees, else e.g. `usage 90% / chunks 10%`. */
  get tokenSource(): string {
    const total = this.sources.usage + this.sources.chunks + this.sources.none;
    if (total === 0) return '';
    const used = (Object.keys(this.sources) as TokenSource[]).filter((s) => this.sources[s] > 0);
    if (used.length === 1) return used[0]!;
    return used.map((s) => `${s} ${Math.round((100 * this.sources[s]) / total)}%`).join(' / ');
  }

  serialize(): LlmEntryData {
    const h = this.histograms;
    return {
      name: this.name,
      model: this.model,
      requests: this.requests,
      successes: this.successes,
      shed: this.shed,
      retryAfter: this.retryAfter,
      failures: this.failures,
      good: this.good,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      reasoningTokens: this.reasoningTokens,
      answerTokens: this.answerTokens,
      cachedTokens: this.cachedTokens,
      usageChecked: this.usageChecked,
      usageMismatches: this.usageMismatches,
      sources: { ...this.sources },
      firstStart: Number.isFinite(this.firstStart) ? this.firstStart : null,
      lastEnd: Number.isFinite(this.lastEnd) ? this.lastEnd : null,
      ttft: toBuckets(h.ttft),
      answerTtft: toBuckets(h.answerTtft),
      itl: toBuckets(h.itl),
      tpot: toBuckets(h.tpot),
      e2e: toBuckets(h.e2e),
      inputTokensPerRequest: toBuckets(h.inputTokensPerRequest),
      outputTokensPerRequest: toBuckets(h.outputTokensPerRequest),
      outputTokensPerSecond: toBuckets(h.outputTokensPerSecond),
      perSecond: this.#perSecond.serialize(),
    };
  }

  /** Adds another entry's serialized counts and histograms: the result is as if it had recorded them. */
  merge(data: LlmEntryData): void {
    this.requests += data.requests;
    this.successes += data.successes;
    this.shed += data.shed;
    this.retryAfter += data.retryAfter;
    this.failures += data.failures;
    this.good += data.good;
    this.inputTokens += data.inputTokens;
    this.outputTokens += data.outputTokens;
    this.reasoningTokens += data.reasoningTokens;
    this.answerTokens += data.answerTokens;
    // Absent from the reports of a worker that predates them.
    this.cachedTokens += data.cachedTokens ?? 0;
    this.usageChecked += data.usageChecked ?? 0;
    this.usageMismatches += data.usageMismatches ?? 0;
    for (const source of Object.keys(this.sources) as TokenSource[]) this.sources[source] += data.sources[source] ?? 0;
    if (data.firstStart !== null) this.firstStart = Math.min(this.firstStart, data.firstStart);
    if (data.lastEnd !== null) this.lastEnd = Math.max(this.lastEnd, data.lastEnd);
    for (const key of HISTOGRAMS) addBuckets(this.histograms[key], data[key]);
    // Absent from the reports of a worker that predates the per-second counts.
    this.#perSecond.merge(data.perSecond ?? []);
  }
}

function fresh(): Record<HistogramKey, Histogram> {
  const out = {} as Record<HistogramKey, Histogram>;
  for (const key of HISTOGRAMS) out[key] = createHistogram();
  return out;
}
