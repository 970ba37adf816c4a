import type { ExceptionEntry, ExceptionStats } from './exception-stats.ts';
import { percentileLabel, reportedPercentiles } from './percentiles.ts';
import { DEFAULT_STATS_SETTINGS } from './stats-settings.ts';
import { formatUtcSeconds, pyFixed, pyFloat } from './py-format.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';
import type { StatsError } from './stats-error.ts';

// Locust 2.46's CSV files, as Python's csv.writer writes them: minimal quoting and '\r\n' line
// ends. Where Locust writes a Python float we write pyFloat (0 -> "0.0"); where its value is an
// int (counts, `min or 0`, an untouched max of 0) we write an int.

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

/** A column of a CSV file: its header and how a row fills it (the text as written). */
export interface CsvColumn<TRow> {
  header: string;
  value(row: TRow): string | number;
}

/** The rows of a file, without the header. */
function csvRows<TRow>(columns: readonly CsvColumn<TRow>[], rows: Iterable<TRow>): string {
  let out = '';
  for (const row of rows) out += csvRow(columns.map((c) => c.value(row)));
  return out;
}

/** A whole file: the header, then a line per row. */
export function csvTable<TRow>(columns: readonly CsvColumn<TRow>[], rows: Iterable<TRow>): string {
  return csvRow(columns.map((c) => c.header)) + csvRows(columns, rows);
}

const headersOf = <TRow>(columns: readonly CsvColumn<TRow>[]): readonly string[] => Object.freeze(columns.map((c) => c.header));

// Locust keeps min and max as they were logged: a time given as a whole number (a user's
// `responseTime: 35`) is a Python int and prints `35`, a measured one a float (`35.2`).
// `min_response_time or 0`: None becomes the int 0.
const timeField = (ms: number | null): string => (ms === null || Number.isInteger(ms) ? String(ms ?? 0) : pyFloat(ms));
const minField = (e: StatsEntry): string => timeField(e.minResponseTime);
const maxField = (e: StatsEntry): string => timeField(e.maxResponseTime);
// total_content_length / num_requests is a float; with no requests it is the int 0.
const contentField = (e: StatsEntry): string => (e.numRequests === 0 ? '0' : pyFloat(e.avgContentLength));

function percentileFields(e: StatsEntry, current: boolean, ps: readonly number[]): string[] {
  if (e.numRequests === 0) return ps.map(() => 'N/A');
  const values = current ? (e.currentResponseTimePercentiles(ps) ?? ps.map(() => 0)) : e.responseTimePercentiles(ps);
  // Locust's percentiles are its bucket keys: a time below 100 ms is rounded to a whole ms.
  return values.map((v) => String(Math.round(v)));
}

/** An entry with its percentiles, computed once for the row's ten columns. */
interface EntryRow {
  e: StatsEntry;
  percentiles: string[];
}

/** A column per percentile of PERCENTILES_TO_REPORT (`50%`, ..., `100%`). */
function percentileColumns(ps: readonly number[]): CsvColumn<EntryRow>[] {
  return ps.map((p, i) => ({ header: percentileLabel(p), value: (r) => r.percentiles[i] ?? 'N/A' }));
}

/** `<prefix>_stats.csv`'s columns, Locust's. Rates are whole-run. */
const statsColumns = (ps: readonly number[]): readonly CsvColumn<EntryRow>[] => [
  { header: 'Type', value: (r) => r.e.method },
  { header: 'Name', value: (r) => r.e.name },
  { header: 'Request Count', value: (r) => r.e.numRequests },
  { header: 'Failure Count', value: (r) => r.e.numFailures },
  { header: 'Median Response Time', value: (r) => String(Math.round(r.e.medianResponseTime)) },
  { header: 'Average Response Time', value: (r) => pyFloat(r.e.avgResponseTime) },
  { header: 'Min Response Time', value: (r) => minField(r.e) },
  { header: 'Max Response Time', value: (r) => maxField(r.e) },
  { header: 'Average Content Size', value: (r) => contentField(r.e) },
  { header: 'Requests/s', value: (r) => pyFloat(r.e.totalRps) },
  { header: 'Failures/s', value: (r) => pyFloat(r.e.totalFailPerSec) },
  ...percentileColumns(ps),
];

/** An entry's row of `<prefix>_stats_history.csv`: the tick's time and user count with it. */
interface HistoryRow extends EntryRow {
  timestamp: number;
  userCount: number;
}

/** `<prefix>_stats_history.csv`'s columns, Locust's: current rates, then the totals. */
const historyColumns = (ps: readonly number[]): readonly CsvColumn<HistoryRow>[] => [
  { header: 'Timestamp', value: (r) => r.timestamp },
  { header: 'User Count', value: (r) => r.userCount },
  { header: 'Type', value: (r) => r.e.method },
  { header: 'Name', value: (r) => r.e.name },
  { header: 'Requests/s', value: (r) => pyFixed(r.e.currentRps, 6) },
  { header: 'Failures/s', value: (r) => pyFixed(r.e.currentFailPerSec, 6) },
  ...percentileColumns(ps),
  { header: 'Total Request Count', value: (r) => r.e.numRequests },
  { header: 'Total Failure Count', value: (r) => r.e.numFailures },
  { header: 'Total Median Response Time', value: (r) => String(Math.round(r.e.medianResponseTime)) },
  { header: 'Total Average Response Time', value: (r) => pyFloat(r.e.avgResponseTime) },
  { header: 'Total Min Response Time', value: (r) => minField(r.e) },
  { header: 'Total Max Response Time', value: (r) => maxField(r.e) },
  { header: 'Total Average Content Size', value: (r) => contentField(r.e) },
];

/** `<prefix>_failures.csv`'s columns. */
const FAILURES_COLUMNS: readonly CsvColumn<StatsError>[] = [
  { header: 'Method', value: (e) => e.method },
  { header: 'Name', value: (e) => e.name },
  { header: 'Error', value: (e) => e.error },
  { header: 'Occurrences', value: (e) => e.occurrences },
  { header: 'First Seen', value: (e) => formatUtcSeconds(e.firstSeen) },
  { header: 'Last Seen', value: (e) => formatUtcSeconds(e.lastSeen) },
];

/** `<prefix>_exceptions.csv`'s columns: Nodes joined with ", ". */
const EXCEPTIONS_COLUMNS: readonly CsvColumn<ExceptionEntry>[] = [
  { header: 'Count', value: (e) => e.count },
  { header: 'Message', value: (e) => e.msg },
  { header: 'Traceback', value: (e) => e.traceback },
  { header: 'Nodes', value: (e) => [...e.nodes].join(', ') },
];

/** The headers with Locust's default percentiles (the columns follow PERCENTILES_TO_REPORT). */
export const STATS_CSV_HEADER: readonly string[] = headersOf(statsColumns(DEFAULT_STATS_SETTINGS.PERCENTILES_TO_REPORT));
export const HISTORY_CSV_HEADER: readonly string[] = headersOf(historyColumns(DEFAULT_STATS_SETTINGS.PERCENTILES_TO_REPORT));
export const FAILURES_CSV_HEADER: readonly string[] = headersOf(FAILURES_COLUMNS);
export const EXCEPTIONS_CSV_HEADER: readonly string[] = headersOf(EXCEPTIONS_COLUMNS);

/** `<prefix>_stats.csv`: header, entries sorted by (name, method), then Aggregated. Rates are whole-run. */
export function statsCsv(stats: RequestStats): string {
  const ps = reportedPercentiles();
  const rows = [...stats.entries(), stats.total].map((e) => ({ e, percentiles: percentileFields(e, false, ps) }));
  return csvTable(statsColumns(ps), rows);
}

/** `<prefix>_failures.csv`, rows sorted by the error key as Locust does. */
export function failuresCsv(stats: RequestStats): string {
  return csvTable(FAILURES_COLUMNS, stats.errors());
}

/** `<prefix>_exceptions.csv`. */
export function exceptionsCsv(exceptions: ExceptionStats): string {
  return csvTable(EXCEPTIONS_COLUMNS, exceptions.entries());
}

/** The header line of `<prefix>_stats_history.csv`. */
export function historyCsvHeader(): string {
  return csvRow(headersOf(historyColumns(reportedPercentiles())));
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
  const entries = options.fullHistory ? [...stats.entries(), stats.total] : [stats.total];
  const ps = reportedPercentiles();
  const rows = entries.map((e) => ({ e, percentiles: percentileFields(e, options.fullHistory, ps), timestamp, userCount: options.userCount }));
  return csvRows(historyColumns(ps), rows);
}
