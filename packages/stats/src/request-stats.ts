import { BucketSum } from './bucket-sum.ts';
import { toMicros } from './histogram.ts';
import { kLog, kLogError, kMerge, kReset, kSerialize } from './internal.ts';
import { ScheduleStats } from './schedule-stats.ts';
import type { StatsSnapshot } from './snapshot.ts';
import { StatsEntry } from './stats-entry.ts';
import type { EntryContext } from './stats-entry.ts';
import { errorKey, parseError } from './stats-error.ts';
import type { StatsError } from './stats-error.ts';

export interface RequestStatsOptions {
  /**
   * Keep 1-second interval histograms for every entry (needed for current percentiles of each
   * entry: --csv-full-history and the web UI). The Aggregated entry always keeps them.
   * @default false
   */
  windowedEntries?: boolean;
  /** Wall clock in unix seconds (float). Tests inject a fake one. @default Date.now() / 1000 */
  clock?: () => number;
}

const defaultClock = (): number => Date.now() / 1000;

/** Locust's RequestStats: one StatsEntry per (name, method), an Aggregated total and failure groups. */
export class RequestStats {
  readonly total: StatsEntry;
  readonly #clock: () => number;
  readonly #windowedEntries: boolean;
  readonly #context: EntryContext;
  // method -> name -> entry: two Map lookups, no key string built per request.
  readonly #byMethod = new Map<string, Map<string, StatsEntry>>();
  readonly #created: StatsEntry[] = [];
  #sorted: StatsEntry[] | null = null;
  // Insertion order is the error report's order; the sha256 key is computed once per group.
  readonly #errors = new Map<string, StatsError>();
  readonly #errorsByText = new Map<string, Map<string, Map<string, StatsError>>>();
  /** How far behind schedule scheduled tasks started, and the arrivals dropped. */
  readonly schedule = new ScheduleStats();
  #corrected: RequestStats | undefined;
  readonly #options: RequestStatsOptions;
  /** The total's buckets of a compact report, added up from its entries as they merge. */
  #sum: BucketSum | undefined;

  constructor(options: RequestStatsOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? defaultClock;
    this.#windowedEntries = options.windowedEntries ?? false;
    this.#context = { clock: this.#clock, total: () => this.total };
    this.total = new StatsEntry('Aggregated', '', this.#context, true);
  }

  /** The current time by this instance's clock (unix seconds, float). */
  now(): number {
    return this.#clock();
  }

  /** Entries sorted by (name, method), without Aggregated. */
  entries(): StatsEntry[] {
    if (this.#sorted === null) {
      const all: StatsEntry[] = [];
      for (const byName of this.#byMethod.values()) for (const e of byName.values()) all.push(e);
      this.#sorted = all.sort(compareEntries);
    }
    return [...this.#sorted];
  }

  /** How many entries there are (distinct name and method pairs), without Aggregated. */
  get size(): number {
    return this.#created.length;
  }

  /** Entries in the order they were first logged (Locust's dict order, used by --json). */
  entriesInLogOrder(): StatsEntry[] {
    return [...this.#created];
  }

  get(name: string, method: string): StatsEntry | undefined {
    return this.#byMethod.get(method)?.get(name);
  }

  #getOrCreate(name: string, method: string): StatsEntry {
    let byName = this.#byMethod.get(method);
    if (byName === undefined) {
      byName = new Map();
      this.#byMethod.set(method, byName);
    }
    let entry = byName.get(name);
    if (entry === undefined) {
      entry = new StatsEntry(name, method, this.#context, this.#windowedEntries);
      byName.set(name, entry);
      this.#created.push(entry);
      this.#sorted = null;
    }
    return entry;
  }

  /** Hot path: one request. responseTime in float ms, null for Locust's "None" requests. */
  logRequest(method: string, name: string, responseTime: number | null, contentLength: number): void {
    const now = this.#clock();
    const second = Math.floor(now);
    const us = responseTime === null ? 0 : toMicros(responseTime);
    this.total[kLog](responseTime, us, contentLength, now, second);
    this.#getOrCreate(name, method)[kLog](responseTime, us, contentLength, now, second);
  }

  /**
   * The same requests with response times corrected for coordinated omission: each scheduled
   * request's time plus how late its task started (wrk2's latency from the intended start).
   * Undefined until a scheduled request was logged.
   */
  get corrected(): RequestStats | undefined {
    return this.#corrected;
  }

  /** A request of a scheduled task, `lag` ms late: logged in `corrected` with its time plus the lag. */
  logScheduled(method: string, name: string, responseTime: number | null, contentLength: number, lag: number, error?: unknown): void {
    const corrected = (this.#corrected ??= new RequestStats({ ...this.#options }));
    corrected.logRequest(method, name, responseTime === null ? null : responseTime + lag, contentLength);
    if (error !== undefined && error !== null) corrected.logError(method, name, error);
  }

  /**
   * One failure of (method, name), grouped by parseError(error). A failed request is also a
   * request: the runner calls logRequest and logError for it, as Locust does.
   */
  logError(method: string, name: string, error: unknown): void {
    const now = this.#clock();
    const second = Math.floor(now);
    this.total[kLogError](second);
    this.#getOrCreate(name, method)[kLogError](second);
    const text = parseError(error);
    const group = this.#errorGroup(method, name, text, now);
    group.occurrences++;
    group.lastSeen = now;
  }

  #errorGroup(method: string, name: string, text: string, firstSeen: number): StatsError {
    const byText = this.#errorsFor(method, name);
    let group = byText.get(text);
    if (group === undefined) {
      const key = errorKey(method, name, text);
      group = { method, name, error: text, occurrences: 0, firstSeen, lastSeen: firstSeen, key };
      byText.set(text, group);
      this.#errors.set(key, group);
    }
    return group;
  }

  #errorsFor(method: string, name: string): Map<string, StatsError> {
    let byName = this.#errorsByText.get(method);
    if (byName === undefined) this.#errorsByText.set(method, (byName = new Map()));
    let byText = byName.get(name);
    if (byText === undefined) byName.set(name, (byText = new Map()));
    return byText;
  }

  /**
   * Failure groups. Default order is failures.csv's (sorted by key); 'logged' is the order they
   * first occurred in, which the console error report uses.
   */
  errors(order: 'key' | 'logged' = 'key'): StatsError[] {
    const all = [...this.#errors.values()];
    return order === 'key' ? all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : all;
  }

  /** Zeroes every entry and the total (entries stay listed, as Locust's reset_all), drops errors; start time = now. */
  reset(): void {
    const now = this.#clock();
    this.total[kReset](now);
    for (const e of this.#created) e[kReset](now);
    this.#errors.clear();
    this.#errorsByText.clear();
    this.schedule.reset();
    this.#corrected?.reset();
  }

  /** Plain data for a worker's report: entries with requests or failures, the total, the errors. */
  serialize(): StatsSnapshot {
    return {
      entries: this.#created.filter((e) => e.numRequests > 0 || e.numFailures > 0).map((e) => e[kSerialize]()),
      total: this.total[kSerialize](),
      errors: [...this.#errors.values()].map((e) => ({ ...e })),
      ...(this.schedule.active ? { schedule: this.schedule.serialize() } : {}),
      ...(this.#corrected ? { corrected: this.#corrected.serialize() } : {}),
    };
  }

  /**
   * Adds a worker's snapshot exactly: counts summed, min/max kept, histograms added. The samples
   * also count in the current second's window, so current percentiles work on the master.
   */
  merge(snapshot: StatsSnapshot): void {
    const second = Math.floor(this.#clock());
    if (snapshot.schedule) this.schedule.merge(snapshot.schedule);
    if (snapshot.corrected) (this.#corrected ??= new RequestStats({ ...this.#options })).merge(snapshot.corrected);
    // A total without its histogram (a compact report's) takes the sum of the entries' buckets.
    const sum = snapshot.total.histogram === null ? (this.#sum ??= new BucketSum()) : undefined;
    sum?.clear();
    for (const s of snapshot.entries) this.#getOrCreate(s.name, s.method)[kMerge](s, second, sum);
    this.total[kMerge](snapshot.total, second, sum);
    for (const e of snapshot.errors) {
      const existing = this.#errors.get(e.key);
      if (existing === undefined) {
        const group = { ...e };
        this.#errors.set(e.key, group);
        this.#errorsFor(group.method, group.name).set(group.error, group);
      } else {
        existing.occurrences += e.occurrences;
        existing.firstSeen = Math.min(existing.firstSeen, e.firstSeen);
        existing.lastSeen = Math.max(existing.lastSeen, e.lastSeen);
      }
    }
  }
}

// Python sorts (name, method) tuples; string comparison by code unit is close enough
// (it differs only for characters outside the BMP against U+E000..U+FFFF).
function compareEntries(a: StatsEntry, b: StatsEntry): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.method !== b.method) return a.method < b.method ? -1 : 1;
  return 0;
}
