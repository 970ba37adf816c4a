/**
 * The part of a run whose requests count (`--warmup`, `--cooldown`, a statistics reset). A
 * request is judged by when it STARTED, never by when it ended: one begun while the users were
 * still cold, or while the load was winding down, stays out of every result (request
 * statistics, failures, the output families' metrics) however late it ends. That is why the
 * filter sits where a request is recorded, with its start time in hand, and not on a reset of
 * the statistics: a reset cannot reach the requests still in flight.
 *
 * All times are Unix seconds. Bounds are set when a test starts (`start`), or on a worker from
 * the master's offsets (`set`); until then everything is admitted.
 */
export class MeasurementWindow {
  /** Seconds after the test start during which started requests are left out. */
  warmup = 0;
  /** Seconds before the end of a timed run during which started requests are left out. */
  cooldown = 0;
  /** The run time of a timed run (`-t`), which the cool-down counts back from. */
  runTime: number | undefined;
  /**
   * The first requests by START order left out (`--warmup 200req`): on a worker, its share of
   * the master's count. Counted where a request starts (`noteStart`), so a request is judged by
   * its place among the starts however late it ends.
   */
  warmupRequests = 0;
  #warmupEnd = -Infinity;
  /** The start of the first request after the counted warm-up: +Infinity while counting, -Infinity without one. */
  #countedEnd = -Infinity;
  /** Starts still in the counted warm-up. */
  #startsLeft = 0;
  /** The last start handed out: starts are made strictly increasing, so the boundary is exact. */
  #lastStart = -Infinity;
  #resetAt = -Infinity;
  #cooldownStart = Infinity;
  #excluded: ExcludedCounts = { warmup: 0, cooldown: 0, reset: 0 };
  #sent: ExcludedCounts = { warmup: 0, cooldown: 0, reset: 0 };

  /** The settings of the run (the CLI's `--warmup`, `--cooldown` and `-t`, in seconds). */
  configure(settings: { warmup?: number; cooldown?: number; runTime?: number; warmupRequests?: number }): void {
    this.warmup = settings.warmup ?? 0;
    this.cooldown = settings.cooldown ?? 0;
    this.runTime = settings.runTime;
    this.warmupRequests = settings.warmupRequests ?? 0;
  }

  /** Starts counting a warm-up of `requests` starts (none for 0). */
  #countWarmup(requests: number): void {
    this.#startsLeft = requests;
    this.#countedEnd = requests > 0 ? Infinity : -Infinity;
  }

  /**
   * A request starts at `at` (Unix seconds); returns the start time to give it: `at`, moved on
   * by a microsecond when another request started in the same instant, so that no two starts
   * tie and the end of a counted warm-up falls between two of them.
   */
  noteStart(at: number = nowSeconds()): number {
    const start = at > this.#lastStart ? at : this.#lastStart + 1e-6;
    this.#lastStart = start;
    if (this.#startsLeft > 0) this.#startsLeft--;
    else if (this.#countedEnd === Infinity) this.#countedEnd = start;
    return start;
  }

  /** A test starts at `at`: the bounds follow from the settings; the counts start again. */
  start(at: number = nowSeconds()): void {
    this.#warmupEnd = this.warmup > 0 ? at + this.warmup : -Infinity;
    this.#cooldownStart = this.cooldown > 0 && this.runTime !== undefined ? at + this.runTime - this.cooldown : Infinity;
    this.#countWarmup(this.warmupRequests);
    this.#resetAt = -Infinity;
    this.#excluded = { warmup: 0, cooldown: 0, reset: 0 };
    this.#sent = { warmup: 0, cooldown: 0, reset: 0 };
  }

  /**
   * The bounds as offsets from `now` (what a master sends its workers with each spawn: offsets
   * do not depend on the two machines' clocks agreeing). null: no bound on that side.
   */
  offsets(now: number = nowSeconds()): WindowOffsets {
    return {
      warmupEnd: Number.isFinite(this.#warmupEnd) ? this.#warmupEnd - now : null,
      cooldownStart: Number.isFinite(this.#cooldownStart) ? this.#cooldownStart - now : null,
    };
  }

  /**
   * A worker's share of a counted warm-up: the master's count split evenly over the `count`
   * workers running users when the test starts, the first `count mod workers` taking one more.
   */
  shareOf(index: number, count: number): number {
    const n = this.warmupRequests;
    return count <= 0 ? 0 : Math.floor(n / count) + (index < n % count ? 1 : 0);
  }

  /**
   * Sets the bounds from a master's offsets, received at `now`. `first`: a new test starts on
   * this worker, so its counts start again (a later spawn of the same test keeps them).
   */
  set(offsets: WindowOffsets, first: boolean, now: number = nowSeconds()): void {
    // A field left out (an older master's frame) is no bound, as null.
    this.#warmupEnd = typeof offsets.warmupEnd === 'number' ? now + offsets.warmupEnd : -Infinity;
    this.#cooldownStart = typeof offsets.cooldownStart === 'number' ? now + offsets.cooldownStart : Infinity;
    if (!first) return;
    // The counted warm-up goes on across later spawns of the same test: only a new test sets it.
    this.#countWarmup(typeof offsets.warmupRequests === 'number' ? offsets.warmupRequests : 0);
    this.#resetAt = -Infinity;
    this.#excluded = { warmup: 0, cooldown: 0, reset: 0 };
    this.#sent = { warmup: 0, cooldown: 0, reset: 0 };
  }

  /** The statistics were reset at `at`: requests started before then are no longer recorded. */
  resetAt(at: number = nowSeconds()): void {
    this.#resetAt = Math.max(this.#resetAt, at);
  }

  /** Why a request started at `startTime` is left out, or undefined when it counts. */
  judge(startTime: number): keyof ExcludedCounts | undefined {
    if (startTime < this.#warmupEnd || startTime < this.#countedEnd) return 'warmup';
    if (startTime >= this.#cooldownStart) return 'cooldown';
    if (startTime < this.#resetAt) return 'reset';
    return undefined;
  }

  /**
   * Whether a request started at `startTime` is recorded; one left out is counted, so call it
   * once per request (the request statistics do). Other families recording the same request ask
   * `contains`, which counts nothing.
   */
  admits(startTime: number): boolean {
    const why = this.judge(startTime);
    if (why === undefined) return true;
    this.#excluded[why]++;
    return false;
  }

  /** Whether a request started at `startTime` is recorded (counts nothing: see `admits`). */
  contains(startTime: number): boolean {
    return this.judge(startTime) === undefined;
  }

  /** The requests left out so far in this test. */
  get excluded(): Readonly<ExcludedCounts> {
    return this.#excluded;
  }

  /** What was left out since the last call, for a worker's report; undefined for nothing. */
  takeDelta(): ExcludedCounts | undefined {
    const e = this.#excluded;
    const s = this.#sent;
    if (e.warmup === s.warmup && e.cooldown === s.cooldown && e.reset === s.reset) return undefined;
    const delta = { warmup: e.warmup - s.warmup, cooldown: e.cooldown - s.cooldown, reset: e.reset - s.reset };
    this.#sent = { ...e };
    return delta;
  }

  /** On a master: adds a worker's delta (checked by the master's report check). */
  merge(delta: ExcludedCounts): void {
    this.#excluded.warmup += delta.warmup;
    this.#excluded.cooldown += delta.cooldown;
    this.#excluded.reset += delta.reset;
  }

  /** The final summary's line, or undefined when nothing was left out and no window was set. */
  summary(): string | undefined {
    const e = this.#excluded;
    if (this.warmup === 0 && this.warmupRequests === 0 && this.cooldown === 0 && e.warmup + e.cooldown + e.reset === 0) return undefined;
    const reset = e.reset > 0 ? `, ${e.reset} before the statistics were reset` : '';
    return `Excluded ${e.warmup} requests started during warm-up, ${e.cooldown} during cool-down${reset}`;
  }
}

/** Requests left out, by the part of the run they started in. */
export interface ExcludedCounts {
  warmup: number;
  cooldown: number;
  /** Started before a statistics reset, ended after it. */
  reset: number;
}

/** A window's bounds as seconds from a moment; null for none. */
export interface WindowOffsets {
  warmupEnd: number | null;
  cooldownStart: number | null;
  /** This worker's share of a counted warm-up (`--warmup Nreq`); absent or null for none. */
  warmupRequests?: number | null;
}

function nowSeconds(): number {
  return Date.now() / 1000;
}

/**
 * When a request event's request started (unix seconds): its `startTime`, or, for a custom
 * client that gives none, one response time before now.
 */
export function requestStartTime(startTime: unknown, responseTimeMs: number | null | undefined): number {
  return typeof startTime === 'number' && Number.isFinite(startTime) ? startTime : Date.now() / 1000 - (responseTimeMs ?? 0) / 1000;
}
