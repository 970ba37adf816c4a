// Requests and failures per unix second (Locust's num_reqs_per_sec / num_fail_per_sec).
// current_rps only reads the last ~12 seconds, so recent seconds live in a fixed ring that the
// hot path updates without allocating; a second leaving the ring moves to a Map, which keeps the
// whole run for --json and for snapshots (Locust keeps every second too).
const RING = 20;

export class PerSecondCounts {
  readonly #seconds = new Float64Array(RING).fill(-1);
  readonly #requests = new Float64Array(RING);
  readonly #failures = new Float64Array(RING);
  readonly #olderRequests = new Map<number, number>();
  readonly #olderFailures = new Map<number, number>();

  /** The ring slot for `second`, evicting whatever older second held it. -1: second is older than the ring. */
  #slot(second: number): number {
    const i = second % RING;
    const held = this.#seconds[i] ?? -1;
    if (held === second) return i;
    if (held > second) return -1;
    if (held >= 0) {
      addTo(this.#olderRequests, held, this.#requests[i] ?? 0);
      addTo(this.#olderFailures, held, this.#failures[i] ?? 0);
    }
    this.#seconds[i] = second;
    this.#requests[i] = 0;
    this.#failures[i] = 0;
    return i;
  }

  addRequests(second: number, n: number): void {
    const i = this.#slot(second);
    if (i >= 0) this.#requests[i] = (this.#requests[i] ?? 0) + n;
    else addTo(this.#olderRequests, second, n);
  }

  addFailures(second: number, n: number): void {
    const i = this.#slot(second);
    if (i >= 0) this.#failures[i] = (this.#failures[i] ?? 0) + n;
    else addTo(this.#olderFailures, second, n);
  }

  requestsAt(second: number): number {
    const i = second % RING;
    return this.#seconds[i] === second ? (this.#requests[i] ?? 0) : (this.#olderRequests.get(second) ?? 0);
  }

  failuresAt(second: number): number {
    const i = second % RING;
    return this.#seconds[i] === second ? (this.#failures[i] ?? 0) : (this.#olderFailures.get(second) ?? 0);
  }

  /** Every second with a non-zero count, ascending: [second, count] pairs. */
  requestPairs(): Array<[number, number]> {
    return this.#pairs(this.#requests, this.#olderRequests);
  }

  failurePairs(): Array<[number, number]> {
    return this.#pairs(this.#failures, this.#olderFailures);
  }

  #pairs(ring: Float64Array, older: Map<number, number>): Array<[number, number]> {
    const all = new Map(older);
    for (let i = 0; i < RING; i++) {
      const second = this.#seconds[i] ?? -1;
      const count = ring[i] ?? 0;
      if (second >= 0 && count > 0) all.set(second, (all.get(second) ?? 0) + count);
    }
    return [...all].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  }

  reset(): void {
    this.#seconds.fill(-1);
    this.#requests.fill(0);
    this.#failures.fill(0);
    this.#olderRequests.clear();
    this.#olderFailures.clear();
  }
}

function addTo(map: Map<number, number>, key: number, n: number): void {
  if (n !== 0) map.set(key, (map.get(key) ?? 0) + n);
}
