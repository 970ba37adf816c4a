import { PERCENTILES_TO_REPORT, percentileLabel } from './percentiles.ts';
import { padLeft, padRight, pyFixed, pyInt } from './py-format.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';
import { errorDisplayName } from './stats-error.ts';

// Locust's console tables (locust/stats.py get_stats_summary, get_percentile_stats_summary,
// get_error_report_summary), column for column. Each function returns whole lines ending in
// '\n', including the blank line Locust logs after each table.

/** Locust's STATS_NAME_WIDTH without a terminal. */
export const DEFAULT_NAME_WIDTH = 80;
const TYPE_WIDTH = 8;

export interface TableOptions {
  /** Width of the name column budget (Locust's STATS_NAME_WIDTH). @default 80 */
  nameWidth?: number;
}

/**
 * The requests table Locust prints every 2 s (current=true: rates over the last ~10 s) and at
 * the end (current=false: rates over the whole run).
 */
export function formatStatsTable(stats: RequestStats, options: TableOptions & { current?: boolean } = {}): string {
  const nameWidth = options.nameWidth ?? DEFAULT_NAME_WIDTH;
  const current = options.current ?? true;
  const nameColumn = nameWidth - TYPE_WIDTH + 4;
  const lines = [
    `${padRight('Type', TYPE_WIDTH)} ${padRight('Name', nameColumn)} ${padLeft('# reqs', 7)} ${padLeft('# fails', 12)} |` +
      `${padLeft('Avg', 7)} ${padLeft('Min', 7)} ${padLeft('Max', 7)}${padLeft('Med', 7)} | ${padLeft('req/s', 7)} ${padLeft('failures/s', 11)}`,
  ];
  const separator = [TYPE_WIDTH, nameColumn, 7, 13, 7, 7, 7, 7, 8, 11].map((n) => '-'.repeat(n)).join('|');
  lines.push(separator);
  for (const entry of stats.entries()) lines.push(statsRow(entry, nameColumn, current));
  lines.push(separator);
  lines.push(statsRow(stats.total, nameColumn, current));
  return lines.join('\n') + '\n\n';
}

function statsRow(e: StatsEntry, nameColumn: number, current: boolean): string {
  const rps = current ? e.currentRps : e.totalRps;
  const failPerSec = current ? e.currentFailPerSec : e.totalFailPerSec;
  const fails = `${e.numFailures}(${pyFixed(e.failRatio * 100, 2)}%)`;
  return (
    `${padRight(e.method ? `${e.method} ` : '', TYPE_WIDTH)} ${padRight(e.name, nameColumn)} ` +
    `${padLeft(String(e.numRequests), 7)} ${padLeft(fails, 12)} |` +
    // Avg, Min and Max go through Python's %d, which truncates; Med is rounded like the percentiles.
    `${padLeft(pyInt(e.avgResponseTime), 7)} ${padLeft(pyInt(e.minResponseTime ?? 0), 7)} ` +
    `${padLeft(pyInt(e.maxResponseTime), 7)}${padLeft(String(Math.round(e.medianResponseTime)), 7)} | ` +
    `${padLeft(pyFixed(rps, 2), 7)} ${padLeft(pyFixed(failPerSec, 2), 11)}`
  );
}

/** "Response time percentiles (approximated)": entries with at least one timed request. */
export function formatPercentilesTable(stats: RequestStats, options: TableOptions = {}): string {
  const nameWidth = options.nameWidth ?? DEFAULT_NAME_WIDTH;
  const labels = PERCENTILES_TO_REPORT.map(percentileLabel);
  const lines = ['Response time percentiles (approximated)'];
  lines.push(
    `${padRight('Type', TYPE_WIDTH)} ${padRight('Name', nameWidth)} ${padLeft(labels[0] ?? '', 8)} ` +
      [...labels.slice(1), '# reqs'].map((l) => padLeft(l, 6)).join(' '),
  );
  const separator = [TYPE_WIDTH, nameWidth, 8, ...PERCENTILES_TO_REPORT.map(() => 6)]
    .map((n) => '-'.repeat(n))
    .join('|');
  lines.push(separator);
  for (const entry of stats.entries()) {
    if (hasSamples(entry)) lines.push(percentileRow(entry, nameWidth));
  }
  lines.push(separator);
  if (hasSamples(stats.total)) lines.push(percentileRow(stats.total, nameWidth));
  return lines.join('\n') + '\n\n';
}

function hasSamples(e: StatsEntry): boolean {
  return e.numRequests - e.numNoneRequests > 0;
}

function percentileRow(e: StatsEntry, nameWidth: number): string {
  const [first = 0, ...rest] = e.responseTimePercentiles(PERCENTILES_TO_REPORT).map(Math.round);
  return (
    `${padRight(e.method, TYPE_WIDTH)} ${padRight(e.name, nameWidth)} ${padLeft(String(first), 8)} ` +
    [...rest, e.numRequests].map((v) => padLeft(String(v), 6)).join(' ')
  );
}

/** Locust's "Error report" (errors in the order first seen); '' when there are no errors. */
export function formatErrorReport(stats: RequestStats, options: TableOptions = {}): string {
  const errors = stats.errors('logged');
  if (errors.length === 0) return '';
  const nameWidth = options.nameWidth ?? DEFAULT_NAME_WIDTH;
  const separator = `${'-'.repeat(18)}|${'-'.repeat(80 + nameWidth - 19)}`;
  const lines = ['Error report', `${padRight('# occurrences', 18)} ${padRight('Error', 100)}`, separator];
  for (const e of errors) lines.push(`${padRight(String(e.occurrences), 18)} ${padRight(errorDisplayName(e), 100)}`);
  lines.push(separator, '');
  return lines.join('\n') + '\n';
}
