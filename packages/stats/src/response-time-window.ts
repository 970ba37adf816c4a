import type { JsHistogram } from 'hdr-histogram-js';
import { statsSettings } from './stats-settings.ts';
import { createHistogram, recordMicros, valueAtIndex, valuesAtPercentiles } from './histogram.ts';

// The window is [now-W, now), W = CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW (10 s by default), read
// when the window is made; one more slot for the second being recorded, and no more: each slot
// is a histogram. Window histograms keep 2 significant digits (1 %, still finer than
// Locust's buckets and exact to the integer ms below 128 ms): with 3 digits a windowed entry
// held ~350 KB at 50 ms response times, with 2 it holds ~60 KB.
const WINDOW_DIGITS = 2;

/**
 * One histogram per second for the last 11 seconds, recycled with reset() when its second
 * comes round again. Slots are allocated on first use, so idle entries stay small.
 */
export class ResponseTimeWindow {
  readonly #windowSeconds = statsSettings.CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW;
  readonly #slots = this.#windowSeconds + 1;
  readonly #seconds = new Float64Array(this.#slots).fill(-1);
  readonly #histograms: Array<JsHistogram | undefined> = new Array<JsHistogram | undefined>(this.#slots);
  readonly #min = new Float64Array(this.#slots);
  readonly #max = new Float64Array(this.#slots);
  // Sum of the window for one `now`, rebuilt when `now` moves or an older slot changes.
  #combined: JsHistogram | undefined;
  #combinedFor = -1;
  #combinedMin = 0;
  #combinedMax = 0;

  #slot(second: number): number {
    const i = second % this.#slots;
    if (this.#seconds[i] === second) return i;
    if ((this.#seconds[i] ?? -1) > second) return -1; // older than the ring: outside any window
    const h = this.#histograms[i];
    if (h === undefined) this.#histograms[i] = createHistogram(WINDOW_DIGITS);
    else if (h.totalCount > 0) h.reset();
    this.#seconds[i] = second;
    this.#combinedFor = -1;
    this.#min[i] = Infinity;
    this.#max[i] = -Infinity;
    return i;
  }

  /** Hot path: one sample of `ms` (already converted to `us`) in `second`. */
  record(second: number, ms: number, us: number): void {
    const i = this.#slot(second);
    if (i < 0) return;
    recordMicros(this.#histograms[i] as JsHistogram, us);
    if (ms < (this.#min[i] ?? 0)) this.#min[i] = ms;
    if (ms > (this.#max[i] ?? 0)) this.#max[i] = ms;
    if (second < this.#combinedFor) this.#combinedFor = -1;
  }

  /**
   * Adds a report's buckets (see toBuckets; `layout` is a histogram of their layout, used to turn
   * an index back into a value) to the window's histogram for `second`, with the report's exact
   * min and max in ms. The same as recordMicrosCount for each bucket, with the total count and the
   * histogram's min and max updated once (a master adds thousands of buckets a second here).
   */
  addBuckets(second: number, buckets: ArrayLike<number>, layout: JsHistogram, minMs: number, maxMs: number): void {
    const i = this.#slot(second);
    if (i < 0) return;
    const target = this.#histograms[i] as JsHistogram;
    // valueAtIndex and indexOfMicros, with the layouts' constants read once.
    const fromMagnitude = layout.subBucketHalfCountMagnitude;
    const fromHalf = layout.subBucketHalfCount;
    const magnitude = target.subBucketHalfCountMagnitude;
    const half = target.subBucketHalfCount;
    let length = target.countsArrayLength;
    let total = 0;
    let low = Infinity;
    let high = -1;
    for (let k = 0; k < buckets.length; k += 2) {
      const from = buckets[k]!;
      const count = buckets[k + 1]!;
      let bucket = (from >> fromMagnitude) - 1;
      let sub = (from & (fromHalf - 1)) + fromHalf;
      if (bucket < 0) {
        sub -= fromHalf;
        bucket = 0;
      }
      if (bucket < 31 - fromMagnitude) {
        const us = sub << bucket;
        const b = Math.max(31 - Math.clz32(us) - magnitude, 0);
        const index = ((b + 1) << magnitude) + ((us >>> b) - half);
        if (index < length) {
          target.addToCountAtIndex(index, count);
          total += count;
          if (us > high) high = us;
          if (us < low && us !== 0) low = us;
          continue;
        }
      }
      // Past 2^31 µs or beyond the counts array: the library records it and grows the array.
      target.recordValueWithCount(valueAtIndex(layout, from), count);
      length = target.countsArrayLength;
    }
    target.addToTotalCount(total);
    if (high >= 0) target.updateMinAndMax(high);
    if (low !== Infinity) target.updateMinAndMax(low);
    if (minMs < (this.#min[i] ?? 0)) this.#min[i] = minMs;
    if (maxMs > (this.#max[i] ?? 0)) this.#max[i] = maxMs;
    if (second < this.#combinedFor) this.#combinedFor = -1;
  }

  /**
   * Percentiles (0..1) in ms over seconds [now-10, now), clamped to the window's exact min and
   * max (p >= 1 gives the max); null when the window holds no samples.
   */
  percentiles(now: number, ps: readonly number[]): number[] | null {
    const combined = this.#combine(now);
    if (combined === undefined) return null;
    const lo = this.#combinedMin;
    const hi = this.#combinedMax;
    return valuesAtPercentiles(combined, ps).map((us, i) =>
      (ps[i] ?? 0) >= 1 ? hi : Math.min(Math.max(us / 1000, lo), hi),
    );
  }

  #combine(now: number): JsHistogram | undefined {
    if (this.#combinedFor !== now) {
      this.#combined ??= createHistogram(WINDOW_DIGITS);
      this.#combined.reset();
      this.#combinedMin = Infinity;
      this.#combinedMax = -Infinity;
      for (let i = 0; i < this.#slots; i++) {
        const second = this.#seconds[i] ?? -1;
        const h = this.#histograms[i];
        if (h === undefined || h.totalCount === 0 || second < now - this.#windowSeconds || second >= now) continue;
        this.#combined.add(h);
        this.#combinedMin = Math.min(this.#combinedMin, this.#min[i] ?? Infinity);
        this.#combinedMax = Math.max(this.#combinedMax, this.#max[i] ?? -Infinity);
      }
      this.#combinedFor = now;
    }
    return this.#combined !== undefined && this.#combined.totalCount > 0 ? this.#combined : undefined;
  }

  reset(): void {
    this.#seconds.fill(-1);
    for (const h of this.#histograms) if (h !== undefined && h.totalCount > 0) h.reset();
    this.#combinedFor = -1;
  }

  /** Estimated bytes held by the histograms (for the memory figures in the README). */
  footprint(): number {
    let bytes = 0;
    for (const h of this.#histograms) if (h !== undefined) bytes += h.estimatedFootprintInBytes;
    return bytes + (this.#combined?.estimatedFootprintInBytes ?? 0);
  }
}
