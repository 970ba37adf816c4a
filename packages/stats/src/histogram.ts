import { createRequire } from 'node:module';
import type { JsHistogram } from 'hdr-histogram-js';

// The package's main entry also loads its WebAssembly build: about 15 MB of RSS in every process
// for code this package never runs. So the JS histogram and codec are required from their own
// CommonJS modules (require, because ESM default-import interop of CJS differs between Node and
// the test runner).
export const requireHdr = createRequire(import.meta.url);
const Int32Histogram = (
  requireHdr('hdr-histogram-js/dist/Int32Histogram.js') as {
    default: new (lowest: number, highest: number, digits: number) => JsHistogram;
  }
).default;

// Response times are recorded as integer microseconds. The cumulative histograms keep 3
// significant digits (0.1 %, and 1 µs below 2.048 ms); 32-bit counts, because 16-bit ones would
// silently wrap on a busy master and the packed layout costs ~6x more per record.
// autoResize keeps each counts array as small as the largest value recorded so far needs.
const SIGNIFICANT_DIGITS = 3;

/** A fresh, empty histogram of microseconds (the JS implementation, never WASM). */
export function createHistogram(significantDigits: 2 | 3 = SIGNIFICANT_DIGITS): JsHistogram {
  const h = new Int32Histogram(1, 2, significantDigits);
  h.autoResize = true;
  return h;
}

/**
 * An empty createHistogram() histogram, for turning bucket indexes into values and back without
 * a histogram at hand (nothing is ever recorded into it).
 */
export const LAYOUT: JsHistogram = createHistogram();

/** Milliseconds (float) to the integer microseconds the histograms hold. */
export function toMicros(ms: number): number {
  return ms > 0 ? Math.round(ms * 1000) : 0;
}

// The library finds the bucket with log2() and pow(), which costs ~110 ns a record. With a
// lowest discernible value of 1 the index is a shift away, so values below 2^31 µs
// (35 minutes) take this path; anything else falls back to recordValue().

/** Records one value; the same result as `h.recordValue(us)`, faster. */
export function recordMicros(h: JsHistogram, us: number): void {
  recordMicrosCount(h, us, 1);
}

/** Records `count` samples of one value; the same result as `h.recordValueWithCount(us, count)`, faster. */
export function recordMicrosCount(h: JsHistogram, us: number, count: number): void {
  if (us < 0x80000000) {
    const index = indexOfMicros(h, us);
    if (index < h.countsArrayLength) {
      if (count === 1) {
        h.incrementCountAtIndex(index);
        h.incrementTotalCount();
      } else {
        h.addToCountAtIndex(index, count);
        h.addToTotalCount(count);
      }
      h.updateMinAndMax(us);
      return;
    }
  }
  h.recordValueWithCount(us, count);
}

/** The lowest value of bucket `index` (h.valueFromIndex for a lowest discernible value of 1), by shifts. */
export function valueAtIndex(h: JsHistogram, index: number): number {
  const magnitude = h.subBucketHalfCountMagnitude;
  let bucket = (index >> magnitude) - 1;
  let sub = (index & (h.subBucketHalfCount - 1)) + h.subBucketHalfCount;
  if (bucket < 0) {
    sub -= h.subBucketHalfCount;
    bucket = 0;
  }
  return bucket < 31 - magnitude ? sub << bucket : sub * 2 ** bucket;
}

function ulp(x: number): number {
  return x === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

/**
 * The rank (1-based) of percentile `p` among `total` samples: the count it needs, rounded up,
 * minus 1 ulp against fp error (as the library).
 */
export function rankOf(p: number, total: number): number {
  const fp = Math.min(p, 1) * total;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

/** The bucket index of `us` (< 2^31) in the layout of `h` (lowest discernible value 1), by shifts. */
export function indexOfMicros(h: JsHistogram, us: number): number {
  const magnitude = h.subBucketHalfCountMagnitude;
  const bucket = Math.max(31 - Math.clz32(us) - magnitude, 0);
  return ((bucket + 1) << magnitude) + ((us >>> bucket) - h.subBucketHalfCount);
}

/**
 * HdrHistogram's getValueAtPercentile rank (nearest rank: the bucket of the ceil(p*n)-th
 * smallest sample) for several percentiles in one walk of the counts. The bucket is reported by
 * its middle value rather than its top, which halves the worst error (±0.05 % with 3 digits)
 * and keeps integer-ms output exact where a bucket is narrower than 1 ms. `ps` are fractions
 * in [0, 1]; the result is in µs, in the order of `ps`; 0 for an empty histogram.
 */
export function valuesAtPercentiles(h: JsHistogram, ps: readonly number[]): number[] {
  const out = new Array<number>(ps.length).fill(0);
  const total = h.totalCount;
  if (total === 0) return out;
  const order = ps.map((_, i) => i).sort((a, b) => (ps[a] ?? 0) - (ps[b] ?? 0));
  const needed = order.map((i) => rankOf(ps[i] ?? 0, total));
  let next = 0;
  let running = 0;
  const length = h.countsArrayLength;
  for (let i = 0; i < length && next < order.length; i++) {
    running += h.getCountAtIndex(i);
    while (next < order.length && running >= (needed[next] ?? 0)) {
      const slot = order[next] ?? 0;
      const value = h.valueFromIndex(i);
      out[slot] = ps[slot] === 0 ? h.lowestEquivalentValue(value) : h.medianEquivalentValue(value);
      next++;
    }
  }
  return out;
}

/** Calls `fn(representativeMicros, count)` for every non-empty bucket, lowest first. */
export function forEachRecorded(h: JsHistogram, fn: (us: number, count: number) => void): void {
  if (h.totalCount === 0) return;
  const length = h.countsArrayLength;
  for (let i = 0; i < length; i++) {
    const count = h.getCountAtIndex(i);
    if (count > 0) fn(h.medianEquivalentValue(h.valueFromIndex(i)), count);
  }
}
