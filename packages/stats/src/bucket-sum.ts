/**
 * The Aggregated histogram of a compact worker report, which leaves it out: it is the sum of the
 * entries' buckets (a worker logs every request in its entry and in the total alike), so the
 * master adds it up as it merges the entries. Counts add up in a dense array by index and are
 * read back in index order; one instance serves each RequestStats' merges, zeroed between them.
 */
export class BucketSum {
  #dense = new Float64Array(0);
  #low = Infinity;
  #high = -1;
  #out = new Float64Array(0);

  /** Adds a flat `[index, count, ...]` list with indices in increasing order. */
  add(buckets: ArrayLike<number>): void {
    const n = buckets.length;
    if (n === 0) return;
    const first = buckets[0]!;
    const last = buckets[n - 2]!;
    if (last >= this.#dense.length) {
      const grown = new Float64Array(Math.max(last + 1, this.#dense.length * 2));
      grown.set(this.#dense);
      this.#dense = grown;
    }
    const dense = this.#dense;
    for (let i = 0; i < n; i += 2) dense[buckets[i]!] += buckets[i + 1]!;
    if (first < this.#low) this.#low = first;
    if (last > this.#high) this.#high = last;
  }

  /** Empties the sum (after a merge that threw half-way; take() leaves it empty). */
  clear(): void {
    if (this.#high >= 0) this.#dense.fill(0, this.#low, this.#high + 1);
    this.#low = Infinity;
    this.#high = -1;
  }

  /**
   * The sum as a flat `[index, count, ...]` list, and the sum is empty again. The list is a view
   * on a buffer the next take() overwrites: add it where it belongs at once.
   */
  take(): ArrayLike<number> {
    const dense = this.#dense;
    const high = this.#high;
    let k = 0;
    if (high >= 0) {
      // At most one bucket per index in the range.
      const need = 2 * (high - this.#low + 1);
      if (need > this.#out.length) this.#out = new Float64Array(Math.max(need, 2 * this.#out.length));
      const out = this.#out;
      for (let i = this.#low; i <= high; i++) {
        const c = dense[i]!;
        if (c !== 0) {
          out[k++] = i;
          out[k++] = c;
          dense[i] = 0;
        }
      }
    }
    this.#low = Infinity;
    this.#high = -1;
    return this.#out.subarray(0, k);
  }
}
