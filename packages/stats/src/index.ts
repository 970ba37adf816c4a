export { formatErrorReport, formatPercentilesTable, formatStatsTable, DEFAULT_NAME_WIDTH } from './console-report.ts';
export type { TableOptions } from './console-report.ts';
export {
  EXCEPTIONS_CSV_HEADER,
  FAILURES_CSV_HEADER,
  HISTORY_CSV_HEADER,
  STATS_CSV_HEADER,
  csvField,
  csvRow,
  exceptionsCsv,
  failuresCsv,
  historyCsvHeader,
  historyCsvRows,
  statsCsv,
} from './csv-report.ts';
export type { HistoryRowsOptions } from './csv-report.ts';
export { ExceptionStats } from './exception-stats.ts';
export type { ExceptionEntry, ExceptionsSnapshot } from './exception-stats.ts';
export { addBuckets, decodeHistogram, encodeHistogram, packBuckets, toBuckets, unpackBuckets } from './histogram-codec.ts';
export { formatStatsJson, statsJson } from './json-report.ts';
export type { StatsEntryJson } from './json-report.ts';
export { PERCENTILES_TO_REPORT, bucketResponseTime, percentileLabel } from './percentiles.ts';
export { formatUtcSeconds, pyFixed, pyFloat, pyRepr } from './py-format.ts';
export { RequestStats } from './request-stats.ts';
export type { RequestStatsOptions } from './request-stats.ts';
export { WINDOW_SECONDS } from './response-time-window.ts';
export type { StatsEntrySnapshot, StatsErrorSnapshot, StatsSnapshot } from './snapshot.ts';
export { StatsEntry } from './stats-entry.ts';
export { errorDisplayName, errorKey, parseError } from './stats-error.ts';
export type { StatsError } from './stats-error.ts';
