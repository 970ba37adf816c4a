import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import { valuesAtPercentiles } from './histogram.ts';

/** What a WindowEntry is made of. Times are float ms; the histogram holds integer µs. */
export interface WindowEntryInit {
  name: string;
  method: string;
  numRequests: number;
  numNoneRequests: number;
  numFailures: number;
  totalResponseTime: number;
  totalContentLength: number;
  /** The period's smallest and largest response time (exact where known, else from the histogram); null/0 without samples. */
  minResponseTime: number | null;
  maxResponseTime: number;
  /** Unix seconds (float) the period starts and ends at. */
  start: number;
  end: number;
  histogram: JsHistogram;
}

/**
 * The statistics of one entry (or of several merged, or of Aggregated) over a period: the
 * window between a mark and now, or the whole run. Field names follow StatsEntry so report
 * code reads both alike. Rates are over the period's own duration.
 */
export class WindowEntry {
  readonly name: string;
  readonly method: string;
  readonly numRequests: number;
  readonly numNoneRequests: number;
  readonly numFailures: number;
  readonly totalResponseTime: number;
  readonly totalContentLength: number;
  readonly minResponseTime: number | null;
  readonly maxResponseTime: number;
  readonly start: number;
  readonly end: number;
  readonly #histogram: JsHistogram;

  constructor(init: WindowEntryInit) {
    this.name = init.name;
    this.method = init.method;
    this.numRequests = init.numRequests;
    this.numNoneRequests = init.numNoneRequests;
    this.numFailures = init.numFailures;
    this.totalResponseTime = init.totalResponseTime;
    this.totalContentLength = init.totalContentLength;
    this.minResponseTime = init.minResponseTime;
    this.maxResponseTime = init.maxResponseTime;
    this.start = init.start;
    this.end = init.end;
    this.#histogram = init.histogram;
  }

  /** Seconds from start to end (never negative). */
  get duration(): number {
    return Math.max(this.end - this.start, 0);
  }

  /** Requests per second over the period; 0 for an empty period. */
  get rps(): number {
    const d = this.duration;
    return d > 0 ? this.numRequests / d : 0;
  }

  get failRps(): number {
    const d = this.duration;
    return d > 0 ? this.numFailures / d : 0;
  }

  /** failures / requests; with no requests 1 if there are failures, else 0 (as StatsEntry). */
  get failRatio(): number {
    if (this.numRequests === 0) return this.numFailures > 0 ? 1 : 0;
    return this.numFailures / this.numRequests;
  }

  /** Requests that carried a response time. */
  get numSamples(): number {
    return this.numRequests - this.numNoneRequests;
  }

  get avgResponseTime(): number {
    const n = this.numSamples;
    return n > 0 ? this.totalResponseTime / n : 0;
  }

  get avgContentLength(): number {
    return this.numRequests > 0 ? this.totalContentLength / this.numRequests : 0;
  }

  get medianResponseTime(): number {
    return this.getResponseTimePercentile(0.5);
  }

  /** Percentile p (0..1) in ms, clamped to [min, max]; p >= 1 is the max; 0 without samples. */
  getResponseTimePercentile(p: number): number {
    return this.responseTimePercentiles([p])[0] ?? 0;
  }

  /** Several percentiles in one walk of the histogram, as StatsEntry.responseTimePercentiles. */
  responseTimePercentiles(ps: readonly number[]): number[] {
    return clampedPercentiles(this.#histogram, this.minResponseTime, this.maxResponseTime, ps);
  }

  /** The period's histogram of response times in integer µs (read it, do not record into it). */
  histogram(): Histogram {
    return this.#histogram;
  }
}

/**
 * Percentiles in ms from a µs histogram, clamped to the known [min, max] (which are exact or
 * closer to the truth than a bucket's middle); p >= 1 is max. Zeros for an empty histogram.
 */
function clampedPercentiles(h: JsHistogram, min: number | null, max: number, ps: readonly number[]): number[] {
  if (h.totalCount === 0 || min === null) return ps.map(() => 0);
  return valuesAtPercentiles(h, ps).map((us, i) => ((ps[i] ?? 0) >= 1 ? max : Math.min(Math.max(us / 1000, min), max)));
}
