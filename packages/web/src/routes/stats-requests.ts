import type { StatsEntry, StatsError } from '@locusta/stats';
import { MANY_NAMES_THRESHOLD, busiestRows, manyNamesWarning, statsSettings } from '@locusta/stats';
import { properRound } from '../rounding.ts';
import type { WebRunner } from '../web-runner.ts';
import { ACTIVE_WORKER_STATES } from '@locusta/runner';

/** Locust caps the entries and errors it sends (more rows made its UI unusable, issue #1059). */
export const MAX_ROWS = 500;

/** One row of `/stats/requests`, Locust's StatsEntry.to_dict(), keys in Locust's order. */
function entryDict(e: StatsEntry): Record<string, string | number> {
  // One walk of the histogram for the median and the PERCENTILES_TO_STATISTICS columns.
  const ps = statsSettings.PERCENTILES_TO_STATISTICS;
  const [median, ...values] = e.responseTimePercentiles([0.5, ...ps]);
  const row: Record<string, string | number> = {
    method: e.method,
    name: e.name,
    num_requests: e.numRequests,
    num_failures: e.numFailures,
    min_response_time: e.minResponseTime === null ? 0 : properRound(e.minResponseTime),
    max_response_time: properRound(e.maxResponseTime),
    current_rps: e.currentRps,
    current_fail_per_sec: e.currentFailPerSec,
    avg_response_time: e.avgResponseTime,
    median_response_time: median ?? 0,
    total_rps: e.totalRps,
    total_fail_per_sec: e.totalFailPerSec,
  };
  ps.forEach((p, i) => (row[`response_time_percentile_${p}`] = values[i] ?? 0));
  row['avg_content_length'] = e.avgContentLength;
  return row;
}

/** Locust's StatsErrorDict: seen times are unix seconds. */
function errorDict(e: StatsError): Record<string, string | number> {
  return { name: e.name, method: e.method, error: e.error, occurrences: e.occurrences, first_seen: e.firstSeen, last_seen: e.lastSeen };
}

/**
 * The `max` busiest of `rows`, kept in their given order (Locust's order when nothing is left
 * out), and how many were left out.
 */
function listed<T>(rows: readonly T[], weight: (row: T) => number): { rows: T[]; omitted: number } {
  const { rows: kept, omitted } = busiestRows(rows, MAX_ROWS, weight);
  if (omitted === 0) return { rows: kept, omitted };
  const keep = new Set(kept);
  return { rows: rows.filter((r) => keep.has(r)), omitted };
}

/**
 * The body of Locust's `/stats/requests`: up to 500 entries sorted by (name, method) plus
 * Aggregated, up to 500 failure groups in the order they occurred, the totals, the current
 * response time percentiles of the charts, the workers on a master, state and users. Past 500,
 * the busiest are listed (Locust lists the first 500 by name, which hides the heavy ones), and
 * `omitted_entries` / `omitted_errors` count the rest; past MANY_NAMES_THRESHOLD names,
 * `warning` says to group URLs with name=. Those keys are only present when they apply.
 */
export function requestsReport(runner: WebRunner): Record<string, unknown> {
  const stats = runner.stats;
  const total = stats.total;
  const entries = listed(stats.entries(), (e) => e.numRequests);
  const errors = listed(stats.errors('logged'), (e) => e.occurrences);
  const rows = entries.rows.map(entryDict);
  const totalRow = entryDict(total);
  rows.push(totalRow);
  const chart = statsSettings.PERCENTILES_TO_CHART;
  const current = total.currentResponseTimePercentiles(chart);
  const report: Record<string, unknown> = {
    stats: rows,
    errors: errors.rows.map(errorDict),
    current_rps: totalRow['current_rps'],
    current_fail_per_sec: totalRow['current_fail_per_sec'],
    total_rps: totalRow['total_rps'],
    total_fail_per_sec: totalRow['total_fail_per_sec'],
    fail_ratio: total.failRatio,
    current_response_time_percentiles: Object.fromEntries(
      chart.map((p, i) => [`response_time_percentile_${p}`, current?.[i] ?? null]),
    ),
  };
  if (entries.omitted > 0) report['omitted_entries'] = entries.omitted;
  if (errors.omitted > 0) report['omitted_errors'] = errors.omitted;
  if (stats.size > MANY_NAMES_THRESHOLD) report['warning'] = manyNamesWarning(stats.size);
  if (runner.workers) {
    const workers = runner.workers();
    report['workers'] = workers.map((w) => ({ id: w.id, state: w.state, user_count: w.userCount, cpu_usage: w.cpu, memory_usage: w.memory }));
    report['worker_count'] = workers.filter((w) => ACTIVE_WORKER_STATES.has(w.state)).length;
  }
  report['state'] = runner.state();
  report['user_count'] = runner.userCount();
  return report;
}
