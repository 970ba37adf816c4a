// Requests and failures per unix second (Locust's num_reqs_per_sec / num_fail_per_sec).
// current_rps only reads the last ~12 seconds, so recent seconds live in a fixed ring that the
// hot path updates without allocating; a second leaving the ring moves to a Map, which keeps the
// whole run for --json and for snapshots (Locust keeps every second too).
const RING = 20;

export class PerSecondCounts {
  // One array for the ring: [second, requests, failures] per slot. With thousands of request
  // names (each an entry with its own counts) one array instead of three, and the maps made only
  // when a second leaves the ring, took about 0.5 KB off every entry.
  readonly #ring = new Float64Array(RING * 3).fill(-1);
  #olderRequests: Map<number, number> | undefined;
  #olderFailures: Map<number, number> | undefined;

  /** The ring slot (index of its second) for `second`, evicting whatever older second held it. -1: second is older than the ring. */
  #slot(second: number): number {
    const i = (second % RING) * 3;
    const ring = this.#ring;
    const held = ring[i] ?? -1;
    if (held === second) return i;
    if (held > second) return -1;
    if (held >= 0) {
      this.#olderRequests = addTo(this.#olderRequests, held, ring[i + 1] ?? 0);
      this.#olderFailures = addTo(this.#olderFailures, held, ring[i + 2] ?? 0);
    }
    ring[i] = second;
    ring[i + 1] = 0;
    ring[i + 2] = 0;
    return i;
  }

  addRequests(second: number, n: number): void {
    const i = this.#slot(second);
    if (i >= 0) this.#ring[i + 1] = (this.#ring[i + 1] ?? 0) + n;
    else this.#olderRequests = addTo(this.#olderRequests, second, n);
  }

  addFailures(second: number, n: number): void {
    const i = this.#slot(second);
    if (i >= 0) this.#ring[i + 2] = (this.#ring[i + 2] ?? 0) + n;
    else this.#olderFailures = addTo(this.#olderFailures, second, n);
  }

  requestsAt(second: number): number {
    return this.#at(second, 1, this.#olderRequests);
  }

  failuresAt(second: number): number {
    return this.#at(second, 2, this.#olderFailures);
  }

  #at(second: number, field: 1 | 2, older: Map<number, number> | undefined): number {
    const i = (second % RING) * 3;
    return this.#ring[i] === second ? (this.#ring[i + field] ?? 0) : (older?.get(second) ?? 0);
  }

  /** Every second with a non-zero count, ascending: [second, count] pairs. */
  requestPairs(): Array<[number, number]> {
    return this.#pairs(1, this.#olderRequests);
  }

  failurePairs(): Array<[number, number]> {
    return this.#pairs(2, this.#olderFailures);
  }

  #pairs(field: 1 | 2, older: Map<number, number> | undefined): Array<[number, number]> {
    const all = new Map(older);
    for (let i = 0; i < RING * 3; i += 3) {
      const second = this.#ring[i] ?? -1;
      const count = this.#ring[i + field] ?? 0;
      if (second >= 0 && count > 0) all.set(second, (all.get(second) ?? 0) + count);
    }
    return [...all].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  }

  reset(): void {
    this.#ring.fill(-1);
    this.#olderRequests = undefined;
    this.#olderFailures = undefined;
  }
}

/** Adds `n` to `key` in `map`, making the map on first need; returns it. */
function addTo(map: Map<number, number> | undefined, key: number, n: number): Map<number, number> | undefined {
  if (n === 0) return map;
  const m = map ?? new Map<number, number>();
  m.set(key, (m.get(key) ?? 0) + n);
  return m;
}
