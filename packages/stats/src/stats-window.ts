import { addBuckets } from './histogram-codec.ts';
import { createHistogram, valuesAtPercentiles } from './histogram.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';
import { WindowEntry } from './window-entry.ts';

// A window is the difference between the cumulative stats now and a mark taken earlier. Counters
// subtract; histograms subtract bucket by bucket in the shared 3-digit layout, so a window's
// percentiles are exactly those of a histogram fed only the window's requests. Nothing is added
// to the hot path, and a master's merged stats work the same way, since merging only adds.

/** One entry's cumulative counters and histogram buckets at a mark. */
interface EntryMark {
  readonly resets: number;
  readonly numRequests: number;
  readonly numNoneRequests: number;
  readonly numFailures: number;
  readonly totalResponseTime: number;
  readonly totalContentLength: number;
  readonly minResponseTime: number | null;
  readonly maxResponseTime: number;
  readonly buckets: readonly number[];
}

/** The cumulative state of a RequestStats at an instant (takeMark); windowSince measures from it. */
export interface StatsMark {
  /** Unix seconds (float) by the stats' clock. */
  readonly time: number;
  /** @internal */
  readonly total: EntryMark;
  /** @internal Keyed by entryKey(method, name). */
  readonly entries: ReadonlyMap<string, EntryMark>;
}

const entryKey = (method: string, name: string): string => `${method}\u0000${name}`;

function markEntry(e: StatsEntry): EntryMark {
  return {
    resets: e.resets,
    numRequests: e.numRequests,
    numNoneRequests: e.numNoneRequests,
    numFailures: e.numFailures,
    totalResponseTime: e.totalResponseTime,
    totalContentLength: e.totalContentLength,
    minResponseTime: e.minResponseTime,
    maxResponseTime: e.maxResponseTime,
    buckets: e.histogramBuckets(),
  };
}

/** Captures every entry's counters and histogram now (`now` defaults to the stats' clock). */
export function takeMark(stats: RequestStats, now: number = stats.now()): StatsMark {
  const entries = new Map<string, EntryMark>();
  for (const e of stats.entries()) entries.set(entryKey(e.method, e.name), markEntry(e));
  return { time: now, total: markEntry(stats.total), entries };
}

/** The stats between a mark and an end time: per entry (sorted as RequestStats.entries()) and Aggregated. */
export class WindowStats {
  /** Unix seconds: the mark's time, or the reset's when stats.reset() ran after the mark. */
  readonly start: number;
  readonly end: number;
  readonly total: WindowEntry;
  readonly #entries: WindowEntry[];
  readonly #byKey: Map<string, WindowEntry>;

  constructor(start: number, end: number, total: WindowEntry, entries: WindowEntry[]) {
    this.start = start;
    this.end = end;
    this.total = total;
    this.#entries = entries;
    this.#byKey = new Map(entries.map((e) => [entryKey(e.method, e.name), e]));
  }

  get duration(): number {
    return Math.max(this.end - this.start, 0);
  }

  /** Every entry the stats list (including those idle in the window), sorted by (name, method). */
  entries(): WindowEntry[] {
    return [...this.#entries];
  }

  get(name: string, method: string): WindowEntry | undefined {
    return this.#byKey.get(entryKey(method, name));
  }
}

/**
 * The statistics from `mark` to now (`now` defaults to the stats' clock). When stats.reset()
 * ran in between, the window is what was logged since the reset, and starts at the reset.
 */
export function windowSince(stats: RequestStats, mark: StatsMark, now: number = stats.now()): WindowStats {
  const total = stats.total;
  // total.startTime is the reset's time, possibly lowered by merges of worker reports that
  // began earlier; it is clamped into [mark, now].
  const start = total.resets !== mark.total.resets ? Math.min(Math.max(total.startTime, mark.time), now) : mark.time;
  const entries = stats.entries().map((e) => entryWindow(e, mark.entries.get(entryKey(e.method, e.name)), start, now));
  return new WindowStats(start, now, entryWindow(total, mark.total, start, now), entries);
}

function entryWindow(e: StatsEntry, m: EntryMark | undefined, start: number, end: number): WindowEntry {
  const current = e.histogramBuckets();
  // Entries created after the mark, and entries reset since, are wholly inside the window. A
  // bucket that shrank also means a reset (a mark is never taken mid-reset, but be safe).
  const diff = m === undefined || m.resets !== e.resets ? null : subtractBuckets(current, m.buckets);
  const histogram = createHistogram();
  if (m === undefined || diff === null) {
    addBuckets(histogram, current);
    return new WindowEntry({
      name: e.name, method: e.method, numRequests: e.numRequests, numNoneRequests: e.numNoneRequests,
      numFailures: e.numFailures, totalResponseTime: e.totalResponseTime, totalContentLength: e.totalContentLength,
      minResponseTime: e.minResponseTime, maxResponseTime: e.maxResponseTime, start, end, histogram,
    });
  }
  addBuckets(histogram, diff);
  let min: number | null = null;
  let max = 0;
  if (histogram.totalCount > 0 && e.minResponseTime !== null) {
    if (m.minResponseTime === null) {
      // No timed request before the mark: every sample is in the window, extremes are exact.
      min = e.minResponseTime;
      max = e.maxResponseTime;
    } else {
      // A cumulative extreme that moved after the mark was set in the window: exact. Otherwise
      // the window's lowest/highest bucket, within the cumulative bounds.
      const [lo = 0, hi = 0] = valuesAtPercentiles(histogram, [0, 1]);
      const clamp = (ms: number) => Math.min(Math.max(ms, e.minResponseTime ?? 0), e.maxResponseTime);
      min = e.minResponseTime < m.minResponseTime ? e.minResponseTime : clamp(lo / 1000);
      max = e.maxResponseTime > m.maxResponseTime ? e.maxResponseTime : clamp(hi / 1000);
    }
  }
  return new WindowEntry({
    name: e.name,
    method: e.method,
    numRequests: e.numRequests - m.numRequests,
    numNoneRequests: e.numNoneRequests - m.numNoneRequests,
    numFailures: e.numFailures - m.numFailures,
    totalResponseTime: e.totalResponseTime - m.totalResponseTime,
    totalContentLength: e.totalContentLength - m.totalContentLength,
    minResponseTime: min,
    maxResponseTime: max,
    start,
    end,
    histogram,
  });
}

/** `current - earlier` of two sorted `[index, count, ...]` lists; null if any count went down. */
function subtractBuckets(current: readonly number[], earlier: readonly number[]): number[] | null {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < current.length; i += 2) {
    const index = current[i] ?? 0;
    let count = current[i + 1] ?? 0;
    // An earlier bucket missing from current would mean it was emptied: a reset.
    if (j < earlier.length && (earlier[j] ?? 0) < index) return null;
    if (j < earlier.length && earlier[j] === index) {
      count -= earlier[j + 1] ?? 0;
      j += 2;
      if (count < 0) return null;
    }
    if (count > 0) out.push(index, count);
  }
  return j < earlier.length ? null : out;
}

/**
 * Consecutive windows over one RequestStats: each next() returns the stats since the previous
 * call (or construction) and starts a new window at the same instant, so windows tile the run.
 */
export class StatsWindow {
  readonly #stats: RequestStats;
  #mark: StatsMark;

  constructor(stats: RequestStats) {
    this.#stats = stats;
    this.#mark = takeMark(stats);
  }

  /** Where the current window starts. */
  get mark(): StatsMark {
    return this.#mark;
  }

  /** The current window so far, without closing it. */
  current(): WindowStats {
    return windowSince(this.#stats, this.#mark);
  }

  /** Closes the current window and returns it; the next one starts now. */
  next(): WindowStats {
    const now = this.#stats.now();
    const window = windowSince(this.#stats, this.#mark, now);
    this.#mark = takeMark(this.#stats, now);
    return window;
  }
}
