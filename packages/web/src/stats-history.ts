import { formatUtcSeconds, statsSettings } from '@locusta/stats';
import type { RunnerState } from '@locusta/runner';
import { properRound } from './rounding.ts';
import type { WebRunner } from './web-runner.ts';

/**
 * One sample, in the layout of Locust's `stats.history` (what its HTML report charts): a
 * `response_time_percentile_<p>` pair for each of PERCENTILES_TO_CHART (0.5 and 0.95 unless the
 * user file changes it), as Locust keys them.
 */
export interface HistoryRow {
  [percentile: `response_time_percentile_${number}`]: [string, number];
  current_rps: [string, number];
  current_fail_per_sec: [string, number];
  total_avg_response_time: [string, number];
  user_count: [string, number];
  /** ISO 8601 UTC, whole seconds. */
  time: string;
}

/** An answer of `read()`: rows after a sequence number, or all rows of the current run. */
export interface HistoryPage {
  /** Changes whenever the history is cleared (a new test, a stats reset). */
  run: number;
  /** The sequence number of the last row; pass it back as `after` to get only newer rows. */
  next: number;
  /** True when `history` is the whole history (the caller's run was not the current one). */
  full: boolean;
  history: HistoryRow[];
}

export interface StatsHistoryOptions {
  /** Milliseconds between samples (at least 1000). @default 2000 */
  intervalMs?: number;
  /** Above this many rows every other row is dropped, so a long run keeps its whole span. @default 10000 */
  maxRows?: number;
  /** Unix seconds. @default Date.now() / 1000 */
  clock?: () => number;
}

const INACTIVE: ReadonlySet<RunnerState> = new Set(['ready', 'stopped', 'missing']);

/**
 * Chart samples kept on the server, so a reloaded page gets the whole run. Sampled while a test
 * runs (Locust samples while the state is neither ready nor stopped), plus once when it ends so
 * the charts show the final values. A new test clears it, as Locust's reset does.
 */
export class StatsHistory {
  readonly #runner: WebRunner;
  readonly #intervalMs: number;
  readonly #maxRows: number;
  readonly #clock: () => number;
  #rows: HistoryRow[] = [];
  #seqs: number[] = [];
  #seq = 0;
  #run = 1;
  #wasActive = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(runner: WebRunner, options: StatsHistoryOptions = {}) {
    this.#runner = runner;
    this.#intervalMs = Math.max(1000, options.intervalMs ?? 2000);
    this.#maxRows = Math.max(2, options.maxRows ?? 10_000);
    this.#clock = options.clock ?? (() => Date.now() / 1000);
  }

  get run(): number {
    return this.#run;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.tick(), this.#intervalMs);
    this.#timer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One timer tick: clears on a new test, samples while one runs and once after it ends. */
  tick(): void {
    const active = !INACTIVE.has(this.#runner.state());
    if (active && !this.#wasActive) this.clear();
    if (active || this.#wasActive) this.sample();
    this.#wasActive = active;
  }

  /** Appends a sample of the current statistics. */
  sample(): void {
    const total = this.#runner.stats.total;
    const time = formatUtcSeconds(this.#clock());
    // Read at each sample: a user file may set the percentiles when it loads.
    const charted = statsSettings.PERCENTILES_TO_CHART;
    const values = total.currentResponseTimePercentiles(charted) ?? [];
    const percentiles: Record<`response_time_percentile_${number}`, [string, number]> = {};
    charted.forEach((p, i) => (percentiles[`response_time_percentile_${p}`] = [time, values[i] ?? 0]));
    // Percentiles first, as Locust orders a history row.
    this.#rows.push({
      ...percentiles,
      current_rps: [time, total.currentRps],
      current_fail_per_sec: [time, total.currentFailPerSec],
      total_avg_response_time: [time, properRound(total.avgResponseTime, 2)],
      user_count: [time, this.#runner.userCount()],
      time,
    });
    this.#seqs.push(++this.#seq);
    if (this.#rows.length > this.#maxRows) {
      // Thinning keeps the first and the latest samples and the whole time span.
      const keep = (_: unknown, i: number, all: unknown[]) => i % 2 === 0 || i === all.length - 1;
      this.#rows = this.#rows.filter(keep);
      this.#seqs = this.#seqs.filter(keep);
    }
  }

  /** Drops every sample and starts a new run. */
  clear(): void {
    this.#rows = [];
    this.#seqs = [];
    this.#run++;
  }

  rows(): HistoryRow[] {
    return [...this.#rows];
  }

  /** Rows after `after` when `run` is the current run, else every row. */
  read(run?: number, after?: number): HistoryPage {
    const full = run !== this.#run || after === undefined;
    let rows = this.#rows;
    if (!full) {
      let from = this.#seqs.length;
      while (from > 0 && (this.#seqs[from - 1] ?? 0) > after) from--;
      rows = rows.slice(from);
    }
    return { run: this.#run, next: this.#seq, full, history: full ? [...rows] : rows };
  }
}
