import type { JsHistogram } from 'hdr-histogram-js';
import { LAYOUT, indexOfMicros, rankOf, recordMicros, valueAtIndex } from './histogram.ts';

/**
 * Samples an entry keeps as plain values before it allocates a histogram. A 3-digit histogram
 * holds at least 2,048 counters (8 KB), and 28 KB once it has seen a 50 ms response: with
 * thousands of distinct request names (URLs not grouped with `name=`), most entries have a
 * handful of samples and the histograms were most of the process's memory, and walking their
 * empty counters for every CSV write most of its CPU. 256 values are 1 KB.
 */
const SAMPLE_BUFFER_LIMIT = 256;

/**
 * Up to SAMPLE_BUFFER_LIMIT response times in integer µs (each below 2^31). Every answer is the
 * one the cumulative histogram would give for the same samples: the same nearest rank, reported
 * by the same bucket value, so an entry reads the same whether or not it has switched over.
 */
export class SampleBuffer {
  #values = new Int32Array(4);
  #count = 0;
  #sorted = true;

  get count(): number {
    return this.#count;
  }

  /** Adds `count` samples of `us`; false (nothing added) when they do not fit. */
  add(us: number, count = 1): boolean {
    if (us >= 0x80000000 || this.#count + count > SAMPLE_BUFFER_LIMIT) return false;
    if (this.#count + count > this.#values.length) {
      let size = this.#values.length * 2;
      while (size < this.#count + count) size *= 2;
      const grown = new Int32Array(Math.min(size, SAMPLE_BUFFER_LIMIT));
      grown.set(this.#values.subarray(0, this.#count));
      this.#values = grown;
    }
    for (let i = 0; i < count; i++) this.#values[this.#count++] = us;
    this.#sorted = this.#count <= 1;
    return true;
  }

  /** Adds a flat `[index, count, ...]` list of the cumulative layout; false (nothing added) when it does not fit. */
  addBuckets(buckets: ArrayLike<number>): boolean {
    let total = 0;
    for (let k = 0; k < buckets.length; k += 2) {
      total += buckets[k + 1] ?? 0;
      if (valueAtIndex(LAYOUT, buckets[k] ?? 0) >= 0x80000000) return false;
    }
    if (this.#count + total > SAMPLE_BUFFER_LIMIT) return false;
    // A bucket's lowest value stands for the bucket: every answer below depends on the bucket only.
    for (let k = 0; k < buckets.length; k += 2) {
      const count = buckets[k + 1] ?? 0;
      if (count > 0 && !this.add(valueAtIndex(LAYOUT, buckets[k] ?? 0), count)) return false;
    }
    return true;
  }

  #sortedValues(): Int32Array {
    const values = this.#values.subarray(0, this.#count);
    if (!this.#sorted) {
      values.sort();
      this.#sorted = true;
    }
    return values;
  }

  /** As valuesAtPercentiles on the histogram of these samples (µs, in the order of `ps`). */
  percentiles(ps: readonly number[]): number[] {
    const n = this.#count;
    if (n === 0) return ps.map(() => 0);
    const values = this.#sortedValues();
    return ps.map((p) => {
      const v = values[Math.min(rankOf(p, n), n) - 1] ?? 0;
      return p === 0 ? LAYOUT.lowestEquivalentValue(v) : LAYOUT.medianEquivalentValue(v);
    });
  }

  /** As toBuckets on the histogram of these samples. */
  toBuckets(): number[] {
    const out: number[] = [];
    for (const v of this.#sortedValues()) {
      const index = indexOfMicros(LAYOUT, v);
      if (out.length > 0 && out[out.length - 2] === index) out[out.length - 1] = (out[out.length - 1] ?? 0) + 1;
      else out.push(index, 1);
    }
    return out;
  }

  /** As forEachRecorded on the histogram of these samples. */
  forEachRecorded(fn: (us: number, count: number) => void): void {
    const buckets = this.toBuckets();
    for (let k = 0; k < buckets.length; k += 2) {
      fn(LAYOUT.medianEquivalentValue(valueAtIndex(LAYOUT, buckets[k] ?? 0)), buckets[k + 1] ?? 0);
    }
  }

  /** Records every sample into `h`. */
  recordInto(h: JsHistogram): void {
    for (let i = 0; i < this.#count; i++) recordMicros(h, this.#values[i] ?? 0);
  }

  reset(): void {
    this.#values = new Int32Array(4);
    this.#count = 0;
    this.#sorted = true;
  }

  get footprint(): number {
    return this.#values.byteLength;
  }
}
