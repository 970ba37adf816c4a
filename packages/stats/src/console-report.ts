import { percentileLabel, reportedPercentiles } from './percentiles.ts';
import { padLeft, padRight, pyFixed, pyInt } from './py-format.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';
import { errorDisplayName } from './stats-error.ts';
import { CONSOLE_MAX_ROWS, busiestRows, omittedLine } from './row-limit.ts';

// Locust's console tables (locust/stats.py get_stats_summary, get_percentile_stats_summary,
// get_error_report_summary), column for column. Each function returns whole lines ending in
// '\n', including the blank line Locust logs after each table.

/** Locust's STATS_NAME_WIDTH without a terminal. */
export const DEFAULT_NAME_WIDTH = 80;
const TYPE_WIDTH = 8;

export interface TableOptions {
  /** Width of the name column budget (Locust's STATS_NAME_WIDTH). @default 80 */
  nameWidth?: number;
  /** Past this many entries (or errors), only the busiest are listed, then a line for the rest. @default 100 */
  maxRows?: number;
}

/** The entries a table lists (all, in name order, when there are few) and the line for the rest. */
function tableEntries(entries: readonly StatsEntry[], options: TableOptions): { rows: StatsEntry[]; more: string[] } {
  const { rows, omitted } = busiestRows(entries, options.maxRows ?? CONSOLE_MAX_ROWS, (e) => e.numRequests);
  return { rows, more: omitted > 0 ? [omittedLine(omitted, 'entries', rows.length)] : [] };
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
  const { rows, more } = tableEntries(stats.entries(), options);
  for (const entry of rows) lines.push(statsRow(entry, nameColumn, current));
  lines.push(...more, separator);
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
    // Avg and Min go through Python's %d, which truncates. Med and Max are rounded like the
    // percentiles, so Max is the percentile table's 100% column (Locust's %d made them differ by one).
    `${padLeft(pyInt(e.avgResponseTime), 7)} ${padLeft(pyInt(e.minResponseTime ?? 0), 7)} ` +
    `${padLeft(String(Math.round(e.maxResponseTime)), 7)}${padLeft(String(Math.round(e.medianResponseTime)), 7)} | ` +
    `${padLeft(pyFixed(rps, 2), 7)} ${padLeft(pyFixed(failPerSec, 2), 11)}`
  );
}

/**
 * Locust's "Response time percentiles (approximated)" table, entries with at least one timed
 * request. The title says what the values are: HdrHistogram buckets of 3 significant digits,
 * reported by their middle (within 0.1 %), with 100% the exact max.
 */
export function formatPercentilesTable(stats: RequestStats, options: TableOptions = {}): string {
  const nameWidth = options.nameWidth ?? DEFAULT_NAME_WIDTH;
  const ps = reportedPercentiles();
  const labels = ps.map(percentileLabel);
  const lines = ['Response time percentiles (HdrHistogram, within 0.1%)'];
  lines.push(
    `${padRight('Type', TYPE_WIDTH)} ${padRight('Name', nameWidth)} ${padLeft(labels[0] ?? '', 8)} ` +
      [...labels.slice(1), '# reqs'].map((l) => padLeft(l, 6)).join(' '),
  );
  const separator = [TYPE_WIDTH, nameWidth, 8, ...ps.map(() => 6)]
    .map((n) => '-'.repeat(n))
    .join('|');
  lines.push(separator);
  const { rows, more } = tableEntries(stats.entries().filter(hasSamples), options);
  for (const entry of rows) lines.push(percentileRow(entry, nameWidth, ps));
  lines.push(...more, separator);
  if (hasSamples(stats.total)) lines.push(percentileRow(stats.total, nameWidth, ps));
  return lines.join('\n') + '\n\n';
}

function hasSamples(e: StatsEntry): boolean {
  return e.numRequests - e.numNoneRequests > 0;
}

function percentileRow(e: StatsEntry, nameWidth: number, ps: readonly number[]): string {
  const [first = 0, ...rest] = e.responseTimePercentiles(ps).map(Math.round);
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
  const { rows, omitted } = busiestRows(errors, options.maxRows ?? CONSOLE_MAX_ROWS, (e) => e.occurrences);
  for (const e of rows) lines.push(`${padRight(String(e.occurrences), 18)} ${padRight(errorDisplayName(e), 100)}`);
  if (omitted > 0) lines.push(omittedLine(omitted, 'errors', rows.length));
  lines.push(separator, '');
  return lines.join('\n') + '\n';
}
