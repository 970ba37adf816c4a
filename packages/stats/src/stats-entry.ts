import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import type { BucketSum } from './bucket-sum.ts';
import { addBuckets, bucketList, toBuckets } from './histogram-codec.ts';
import { LAYOUT, createHistogram, forEachRecorded, recordMicros, valuesAtPercentiles } from './histogram.ts';
import { kLog, kLogError, kMerge, kReset, kSerialize } from './internal.ts';
import { PerSecondCounts } from './per-second-counts.ts';
import { ResponseTimeWindow } from './response-time-window.ts';
import { SampleBuffer } from './sample-buffer.ts';
import type { StatsEntrySnapshot } from './snapshot.ts';

/** What an entry needs from its RequestStats: the clock and the global total (for rates). */
export interface EntryContext {
  readonly clock: () => number;
  readonly total: () => StatsEntry;
}

/**
 * Statistics of one (name, method) pair, or of all requests ('Aggregated'), as Locust's
 * StatsEntry. Counters are public fields for reading; only RequestStats writes them.
 * Response times are float ms; percentiles come from an HdrHistogram of integer µs.
 */
export class StatsEntry {
  readonly name: string;
  readonly method: string;
  numRequests = 0;
  /** Requests logged with a null response time (Locust's "None" requests). */
  numNoneRequests = 0;
  numFailures = 0;
  totalResponseTime = 0;
  minResponseTime: number | null = null;
  maxResponseTime = 0;
  totalContentLength = 0;
  /** Unix seconds of the last reset. */
  startTime: number;
  lastRequestTimestamp: number | null = null;

  readonly #context: EntryContext;
  // The first samples are kept as values (see SampleBuffer); past SAMPLE_BUFFER_LIMIT they move
  // into the histogram, which is null until then.
  readonly #samples = new SampleBuffer();
  #histogram: JsHistogram | null = null;
  readonly #perSecond = new PerSecondCounts();
  readonly #window: ResponseTimeWindow | null;
  #resets = 0;

  /** @internal Created by RequestStats. */
  constructor(name: string, method: string, context: EntryContext, windowed: boolean) {
    this.name = name;
    this.method = method;
    this.#context = context;
    this.#window = windowed ? new ResponseTimeWindow() : null;
    this.startTime = context.clock();
  }

  /** Hot path. `us` is `rt` in integer µs (ignored when rt is null). */
  [kLog](rt: number | null, us: number, contentLength: number, now: number, second: number): void {
    this.numRequests++;
    this.#perSecond.addRequests(second, 1);
    this.lastRequestTimestamp = now;
    if (rt === null) {
      this.numNoneRequests++;
    } else {
      this.totalResponseTime += rt;
      if (this.minResponseTime === null || rt < this.minResponseTime) this.minResponseTime = rt;
      if (rt > this.maxResponseTime) this.maxResponseTime = rt;
      if (this.#histogram !== null) recordMicros(this.#histogram, us);
      else if (!this.#samples.add(us)) recordMicros(this.#promote(), us);
      if (this.#window !== null) this.#window.record(second, rt, us);
    }
    this.totalContentLength += contentLength;
  }

  /** Moves the buffered samples into a new histogram (once). */
  #promote(): JsHistogram {
    if (this.#histogram === null) {
      this.#histogram = createHistogram();
      this.#samples.recordInto(this.#histogram);
      this.#samples.reset();
    }
    return this.#histogram;
  }

  get #sampleCount(): number {
    return this.#histogram !== null ? this.#histogram.totalCount : this.#samples.count;
  }

  [kLogError](second: number): void {
    this.numFailures++;
    this.#perSecond.addFailures(second, 1);
  }

  /** total / (requests - none requests); 0 without samples. */
  get avgResponseTime(): number {
    const n = this.numRequests - this.numNoneRequests;
    return n > 0 ? this.totalResponseTime / n : 0;
  }

  /** The 50th percentile clamped to [min, max], so it always equals the 50% column; 0 without samples. */
  get medianResponseTime(): number {
    return this.getResponseTimePercentile(0.5);
  }

  /** failures / requests; with no requests 1 if there are failures, else 0 (Locust). */
  get failRatio(): number {
    if (this.numRequests === 0) return this.numFailures > 0 ? 1 : 0;
    return this.numFailures / this.numRequests;
  }

  get avgContentLength(): number {
    return this.numRequests > 0 ? this.totalContentLength / this.numRequests : 0;
  }

  /** Requests per second over the whole run, timed by the global total (Locust). */
  get totalRps(): number {
    return this.#perRunSecond(this.numRequests);
  }

  get totalFailPerSec(): number {
    return this.#perRunSecond(this.numFailures);
  }

  #perRunSecond(n: number): number {
    const total = this.#context.total();
    const last = total.lastRequestTimestamp;
    if (!last || !total.startTime) return 0;
    const elapsed = last - total.startTime;
    return elapsed === 0 ? 0 : n / elapsed;
  }

  /** Mean per-second requests over [max(last-12, start), last-2) of the global total; 0 if empty. */
  get currentRps(): number {
    return this.#currentPerSec(false);
  }

  get currentFailPerSec(): number {
    return this.#currentPerSec(true);
  }

  #currentPerSec(failures: boolean): number {
    const total = this.#context.total();
    if (total.lastRequestTimestamp === null) return 0;
    const last = Math.floor(total.lastRequestTimestamp);
    const from = Math.max(last - 12, Math.floor(total.startTime));
    const to = last - 2;
    let sum = 0;
    for (let t = from; t < to; t++) {
      sum += failures ? this.#perSecond.failuresAt(t) : this.#perSecond.requestsAt(t);
    }
    return sum / Math.max(to - from, 1);
  }

  /** Percentile p (0..1) in ms, clamped to [min, max]; p >= 1 is the exact max; 0 without samples. */
  getResponseTimePercentile(p: number): number {
    return this.responseTimePercentiles([p])[0] ?? 0;
  }

  /** Several percentiles in one walk of the histogram (what the reports use). */
  responseTimePercentiles(ps: readonly number[]): number[] {
    const min = this.minResponseTime;
    if (this.#sampleCount === 0 || min === null) return ps.map(() => 0);
    const max = this.maxResponseTime;
    const us = this.#histogram !== null ? valuesAtPercentiles(this.#histogram, ps) : this.#samples.percentiles(ps);
    return us.map((us, i) =>
      (ps[i] ?? 0) >= 1 ? max : Math.min(Math.max(us / 1000, min), max),
    );
  }

  /**
   * Percentile p over the complete seconds [now-10, now); null when that window holds no samples
   * or this entry keeps no window (see RequestStatsOptions.windowedEntries).
   */
  getCurrentResponseTimePercentile(p: number): number | null {
    return this.currentResponseTimePercentiles([p])?.[0] ?? null;
  }

  currentResponseTimePercentiles(ps: readonly number[]): number[] | null {
    if (this.#window === null) return null;
    return this.#window.percentiles(Math.floor(this.#context.clock()), ps);
  }

  /**
   * The cumulative histogram of response times in integer µs (read it, do not record into it).
   * While the entry keeps its few samples as values this is a new histogram made from them at
   * each call: prefer the methods below, which do not allocate one.
   */
  histogram(): Histogram {
    if (this.#histogram !== null) return this.#histogram;
    const h = createHistogram();
    this.#samples.recordInto(h);
    return h;
  }

  /** forEachRecorded over the cumulative histogram: `fn(representative µs, count)`, lowest first. */
  forEachRecorded(fn: (us: number, count: number) => void): void {
    if (this.#histogram !== null) forEachRecorded(this.#histogram, fn);
    else this.#samples.forEachRecorded(fn);
  }

  /** Estimated bytes held for response times (histogram or buffered samples, and the window). */
  latencyFootprint(): number {
    const own = this.#histogram !== null ? this.#histogram.estimatedFootprintInBytes : this.#samples.footprint;
    return own + (this.#window?.footprint() ?? 0);
  }

  /**
   * The cumulative histogram's non-zero buckets, `[index, count, ...]` (toBuckets): what a
   * window mark keeps, so the histogram of a later period is an exact bucket-wise difference.
   */
  histogramBuckets(): number[] {
    return this.#histogram !== null ? toBuckets(this.#histogram) : this.#samples.toBuckets();
  }

  /** How many times reset() has zeroed this entry; a window spanning a reset starts from it. */
  get resets(): number {
    return this.#resets;
  }

  /** [unix second, count] pairs of requests, ascending (Locust's num_reqs_per_sec). */
  requestsPerSecond(): Array<[number, number]> {
    return this.#perSecond.requestPairs();
  }

  failuresPerSecond(): Array<[number, number]> {
    return this.#perSecond.failurePairs();
  }

  [kReset](now: number): void {
    this.numRequests = 0;
    this.numNoneRequests = 0;
    this.numFailures = 0;
    this.totalResponseTime = 0;
    this.minResponseTime = null;
    this.maxResponseTime = 0;
    this.totalContentLength = 0;
    this.startTime = now;
    this.lastRequestTimestamp = null;
    // A histogram, once made, is kept and zeroed: a worker resets after every report, and its busy
    // entries would otherwise make a new one each time.
    if (this.#histogram !== null && this.#histogram.totalCount > 0) this.#histogram.reset();
    if (this.#samples.count > 0) this.#samples.reset();
    this.#perSecond.reset();
    this.#window?.reset();
    this.#resets++;
  }

  [kSerialize](): StatsEntrySnapshot {
    return {
      name: this.name,
      method: this.method,
      numRequests: this.numRequests,
      numNoneRequests: this.numNoneRequests,
      numFailures: this.numFailures,
      totalResponseTime: this.totalResponseTime,
      minResponseTime: this.minResponseTime,
      maxResponseTime: this.maxResponseTime,
      totalContentLength: this.totalContentLength,
      startTime: this.startTime,
      lastRequestTimestamp: this.lastRequestTimestamp,
      numReqsPerSec: this.#perSecond.requestPairs(),
      numFailPerSec: this.#perSecond.failurePairs(),
      histogram: this.histogramBuckets(),
    };
  }

  /**
   * Locust's StatsEntry.extend, exact: the histogram is added, not re-bucketed. `sum` adds up
   * the entries of a report whose total's histogram is left out (null): each entry adds its
   * buckets to it, and the total then takes the sum.
   */
  [kMerge](s: StatsEntrySnapshot, second: number, sum?: BucketSum): void {
    if (s.lastRequestTimestamp !== null) {
      this.lastRequestTimestamp =
        this.lastRequestTimestamp === null ? s.lastRequestTimestamp : Math.max(this.lastRequestTimestamp, s.lastRequestTimestamp);
    }
    this.startTime = Math.min(this.startTime, s.startTime);
    this.numRequests += s.numRequests;
    this.numNoneRequests += s.numNoneRequests;
    this.numFailures += s.numFailures;
    this.totalResponseTime += s.totalResponseTime;
    this.maxResponseTime = Math.max(this.maxResponseTime, s.maxResponseTime);
    if (s.minResponseTime !== null) {
      this.minResponseTime = this.minResponseTime === null ? s.minResponseTime : Math.min(this.minResponseTime, s.minResponseTime);
    }
    this.totalContentLength += s.totalContentLength;
    for (const [t, n] of s.numReqsPerSec) this.#perSecond.addRequests(t, n);
    for (const [t, n] of s.numFailPerSec) this.#perSecond.addFailures(t, n);
    let buckets: ArrayLike<number>;
    if (s.histogram === null) {
      if (sum === undefined) throw new TypeError(`${this.name}: a snapshot without its histogram, and no entries to add it up from`);
      buckets = sum.take();
    } else {
      // Packed bytes are read into a reused buffer (no list made per entry): used right here.
      buckets = bucketList(s.histogram);
      sum?.add(buckets);
    }
    if (buckets.length > 0) {
      if (this.#histogram !== null || !this.#samples.addBuckets(buckets)) addBuckets(this.#promote(), buckets);
      // A master has no per-request timing, so a report counts in the second it arrives.
      if (this.#window !== null && s.minResponseTime !== null) {
        this.#window.addBuckets(second, buckets, LAYOUT, s.minResponseTime, s.maxResponseTime);
      }
    }
  }
}
