import type { ExceptionStats } from './exception-stats.ts';
import { PERCENTILES_TO_REPORT, percentileLabel } from './percentiles.ts';
import { formatUtcSeconds, pyFixed, pyFloat } from './py-format.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';

// Locust 2.46's CSV files, as Python's csv.writer writes them: minimal quoting and '\r\n' line
// ends. Where Locust writes a Python float we write pyFloat (0 -> "0.0"); where its value is an
// int (counts, `min or 0`, an untouched max of 0) we write an int.

const LABELS = PERCENTILES_TO_REPORT.map(percentileLabel);

export const STATS_CSV_HEADER: readonly string[] = Object.freeze([
  'Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time', 'Average Response Time',
  'Min Response Time', 'Max Response Time', 'Average Content Size', 'Requests/s', 'Failures/s', ...LABELS,
]);

export const HISTORY_CSV_HEADER: readonly string[] = Object.freeze([
  'Timestamp', 'User Count', 'Type', 'Name', 'Requests/s', 'Failures/s', ...LABELS,
  'Total Request Count', 'Total Failure Count', 'Total Median Response Time', 'Total Average Response Time',
  'Total Min Response Time', 'Total Max Response Time', 'Total Average Content Size',
]);

export const FAILURES_CSV_HEADER: readonly string[] = Object.freeze([
  'Method', 'Name', 'Error', 'Occurrences', 'First Seen', 'Last Seen',
]);

export const EXCEPTIONS_CSV_HEADER: readonly string[] = Object.freeze(['Count', 'Message', 'Traceback', 'Nodes']);

const EOL = '\r\n';

/** One field as csv.writer (QUOTE_MINIMAL) writes it. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row, with csv.writer's '\r\n' line end. */
export function csvRow(fields: ReadonlyArray<string | number>): string {
  // csv.writer quotes a row made of a single empty field, so the line is not blank.
  if (fields.length === 1 && fields[0] === '') return `""${EOL}`;
  return fields.map(csvField).join(',') + EOL;
}

// `min_response_time or 0`: None and 0.0 both become the int 0.
const minField = (e: StatsEntry): string =>
  e.minResponseTime === null || e.minResponseTime === 0 ? '0' : pyFloat(e.minResponseTime);
// max starts as the int 0 and only becomes a float once a larger time is logged.
const maxField = (e: StatsEntry): string => (e.maxResponseTime === 0 ? '0' : pyFloat(e.maxResponseTime));
// total_content_length / num_requests is a float; with no requests it is the int 0.
const contentField = (e: StatsEntry): string => (e.numRequests === 0 ? '0' : pyFloat(e.avgContentLength));

function percentileFields(e: StatsEntry, current: boolean): string[] {
  if (e.numRequests === 0) return LABELS.map(() => 'N/A');
  const values = current
    ? (e.currentResponseTimePercentiles(PERCENTILES_TO_REPORT) ?? LABELS.map(() => 0))
    : e.responseTimePercentiles(PERCENTILES_TO_REPORT);
  return values.map((v) => String(Math.round(v)));
}

/** `<prefix>_stats.csv`: header, entries sorted by (name, method), then Aggregated. Rates are whole-run. */
export function statsCsv(stats: RequestStats): string {
  let out = csvRow(STATS_CSV_HEADER);
  for (const e of [...stats.entries(), stats.total]) {
    out += csvRow([
      e.method, e.name, e.numRequests, e.numFailures, String(Math.round(e.medianResponseTime)),
      pyFloat(e.avgResponseTime), minField(e), maxField(e), contentField(e),
      pyFloat(e.totalRps), pyFloat(e.totalFailPerSec), ...percentileFields(e, false),
    ]);
  }
  return out;
}

/** `<prefix>_failures.csv`, rows sorted by the error key as Locust does. */
export function failuresCsv(stats: RequestStats): string {
  let out = csvRow(FAILURES_CSV_HEADER);
  for (const e of stats.errors()) {
    out += csvRow([e.method, e.name, e.error, e.occurrences, formatUtcSeconds(e.firstSeen), formatUtcSeconds(e.lastSeen)]);
  }
  return out;
}

/** `<prefix>_exceptions.csv`: Nodes joined with ", ". */
export function exceptionsCsv(exceptions: ExceptionStats): string {
  let out = csvRow(EXCEPTIONS_CSV_HEADER);
  for (const e of exceptions.entries()) out += csvRow([e.count, e.msg, e.traceback, [...e.nodes].join(', ')]);
  return out;
}

/** The header line of `<prefix>_stats_history.csv`. */
export function historyCsvHeader(): string {
  return csvRow(HISTORY_CSV_HEADER);
}

export interface HistoryRowsOptions {
  userCount: number;
  /** --csv-full-history: a row per entry too, and every row with current-window percentiles. */
  fullHistory: boolean;
  /** Unix seconds; default now. Written as an int. */
  timestamp?: number;
}

/**
 * The rows one tick appends to the history file. By default only Aggregated, with cumulative
 * percentiles; with fullHistory, every entry then Aggregated, all with the ~10 s window's
 * percentiles (Locust's behaviour, the source of its issues #1430 and #2377).
 */
export function historyCsvRows(stats: RequestStats, options: HistoryRowsOptions): string {
  const timestamp = Math.trunc(options.timestamp ?? Date.now() / 1000);
  const rows = options.fullHistory ? [...stats.entries(), stats.total] : [stats.total];
  let out = '';
  for (const e of rows) {
    out += csvRow([
      timestamp, options.userCount, e.method, e.name, pyFixed(e.currentRps, 6), pyFixed(e.currentFailPerSec, 6),
      ...percentileFields(e, options.fullHistory),
      e.numRequests, e.numFailures, String(Math.round(e.medianResponseTime)), pyFloat(e.avgResponseTime),
      minField(e), maxField(e), contentField(e),
    ]);
  }
  return out;
}
