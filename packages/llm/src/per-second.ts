/** One unix second's counts as plain data: `[second, requests, shed, output tokens]`. */
export type SecondCounts = [second: number, requests: number, shed: number, outputTokens: number];

/** Sums of the per-second counts over some seconds. */
export interface CountTotals {
  requests: number;
  shed: number;
  outputTokens: number;
}

/**
 * Requests, shed responses (503/429) and output tokens per unix second, counted in the second a
 * request finished (as Locust counts a request when it is logged). Generations take seconds
 * each, so a run records at most a few hundred a second: a Map per second is small enough and,
 * unlike the request statistics' ring, keeps every second for the history and for merging.
 */
export class PerSecondCounts {
  readonly #seconds = new Map<number, SecondCounts>();

  add(second: number, requests: number, shed: number, outputTokens: number): void {
    const counts = this.#seconds.get(second);
    if (counts === undefined) {
      this.#seconds.set(second, [second, requests, shed, outputTokens]);
      return;
    }
    counts[1] += requests;
    counts[2] += shed;
    counts[3] += outputTokens;
  }

  /** The sums over the seconds in [from, to). */
  sum(from: number, to: number): CountTotals {
    const out: CountTotals = { requests: 0, shed: 0, outputTokens: 0 };
    for (let t = from; t < to; t++) {
      const counts = this.#seconds.get(t);
      if (counts === undefined) continue;
      out.requests += counts[1];
      out.shed += counts[2];
      out.outputTokens += counts[3];
    }
    return out;
  }

  /** Every second with counts, ascending (copies: the caller may keep or send them). */
  serialize(): SecondCounts[] {
    return [...this.#seconds.values()].map((c): SecondCounts => [c[0], c[1], c[2], c[3]]).sort((a, b) => a[0] - b[0]);
  }

  /** Adds what another PerSecondCounts serialized: counts of the same second add up. */
  merge(data: readonly SecondCounts[]): void {
    for (const [second, requests, shed, outputTokens] of data) this.add(second, requests, shed, outputTokens);
  }
}

/** The seconds a current rate averages over: [from, to), unix seconds. */
export interface RateWindow {
  from: number;
  to: number;
}

/**
 * Locust's current_rps window, anchored on the last request finished (ms): the seconds from
 * 12 before it (or the first request, if later) up to 2 before it, which may still be
 * incomplete (requests in flight, worker reports on their way). Null before any request.
 */
export function rateWindow(firstStartMs: number, lastEndMs: number): RateWindow | null {
  if (!Number.isFinite(lastEndMs)) return null;
  const last = Math.floor(lastEndMs / 1000);
  const first = Number.isFinite(firstStartMs) ? Math.floor(firstStartMs / 1000) : last;
  return { from: Math.max(last - 12, first), to: last - 2 };
}
