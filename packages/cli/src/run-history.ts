import type { ReportHistoryRow } from '@locusta/report';
import type { RequestStats } from '@locusta/stats';
import { statsSettings } from '@locusta/stats';

/** One second of a run, Aggregated: what the report's charts draw. */
export type HistoryRow = ReportHistoryRow;


/**
 * The run's Aggregated numbers over time (current rates and percentiles over Locust's window),
 * kept in memory for the HTML report whether or not CSV files are written.
 */
export class RunHistory {
  readonly rows: HistoryRow[] = [];
  readonly #stats: RequestStats;
  readonly #users: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(stats: RequestStats, users: () => number) {
    this.#stats = stats;
    this.#users = users;
  }

  start(): void {
    // HISTORY_STATS_INTERVAL_SEC, once a second by default: a day-long run is 86,400 small rows.
    this.#timer = setInterval(() => this.sample(), statsSettings.HISTORY_STATS_INTERVAL_SEC * 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  sample(): void {
    const total = this.#stats.total;
    const [p50, p95, p99] = total.currentResponseTimePercentiles([0.5, 0.95, 0.99]) ?? [null, null, null];
    this.rows.push({
      time: this.#stats.now(),
      users: this.#users(),
      rps: total.currentRps,
      failPerSec: total.currentFailPerSec,
      p50: p50 ?? null,
      p95: p95 ?? null,
      p99: p99 ?? null,
    });
  }
}
