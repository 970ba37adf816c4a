import type { createHistogram } from '@locusta/stats';
import { addBuckets, createHistogram as newStatsHistogram, recordMicros, toBuckets, valuesAtPercentiles } from '@locusta/stats';

/** The stats package's histogram (HdrHistogram, 32-bit counts, 3 digits), so buckets interoperate. */
export type Histogram = ReturnType<typeof createHistogram>;

/** A fresh, empty histogram of non-negative integers (µs, tokens...) that grows as needed. */
export function newHistogram(): Histogram {
  return newStatsHistogram();
}

/** Records one non-negative value, rounded to an integer. */
export function record(h: Histogram, value: number): void {
  recordMicros(h, value > 0 ? Math.round(value) : 0);
}

/** Milliseconds (float) to the integer microseconds the latency histograms hold. */
export function msToMicros(ms: number): number {
  return ms > 0 ? Math.round(ms * 1000) : 0;
}

/**
 * Nearest-rank percentiles (`ps` are fractions in [0, 1]), each bucket reported by its middle
 * value, exactly as the request statistics compute theirs. 0 for an empty histogram.
 */
export function percentiles(h: Histogram, ps: readonly number[]): number[] {
  return valuesAtPercentiles(h, ps);
}

/** A histogram's non-empty buckets as plain data (`[index, count, ...]`). */
export function histogramData(h: Histogram): number[] {
  return toBuckets(h);
}

/** Adds what histogramData produced into `h`. */
export function addHistogramData(h: Histogram, buckets: readonly number[]): void {
  addBuckets(h, buckets);
}
