export { MANY_NAMES_THRESHOLD, manyNamesWarning } from './many-names.ts';
export { CONSOLE_MAX_ROWS, busiestRows, omittedLine } from './row-limit.ts';
export { formatErrorReport, formatPercentilesTable, formatStatsTable, DEFAULT_NAME_WIDTH } from './console-report.ts';
export type { TableOptions } from './console-report.ts';
export {
  EXCEPTIONS_CSV_HEADER,
  FAILURES_CSV_HEADER,
  HISTORY_CSV_HEADER,
  STATS_CSV_HEADER,
  csvField,
  csvRow,
  csvTable,
  exceptionsCsv,
  failuresCsv,
  historyCsvHeader,
  historyCsvRows,
  statsCsv,
} from './csv-report.ts';
export type { CsvColumn, HistoryRowsOptions } from './csv-report.ts';
export { ExceptionStats } from './exception-stats.ts';
export type { ExceptionEntry, ExceptionsSnapshot } from './exception-stats.ts';
export { MAX_BUCKET_INDEX, addBuckets, bucketIndexOf, bucketList, checkBuckets, encodeHistogram, packBuckets, readBuckets, toBuckets, unpackBuckets } from './histogram-codec.ts';
export type { BucketsSummary } from './histogram-codec.ts';
export { formatStatsJson, statsJson } from './json-report.ts';
export type { StatsEntryJson } from './json-report.ts';
export { bucketResponseTime, percentileLabel, reportedPercentiles } from './percentiles.ts';
export { DEFAULT_STATS_SETTINGS, resetStatsSettings, statsSettings, statsSettingsProblem } from './stats-settings.ts';
export type { StatsSettings } from './stats-settings.ts';
export { formatUtcSeconds, pyFixed, pyFloat, pyRepr } from './py-format.ts';
export { RequestStats } from './request-stats.ts';
export type { RequestStatsOptions } from './request-stats.ts';
export type { StatsEntrySnapshot, StatsErrorSnapshot, StatsSnapshot } from './snapshot.ts';
export { StatsEntry } from './stats-entry.ts';
export { errorDisplayName, errorKey, parseError } from './stats-error.ts';
export type { StatsError } from './stats-error.ts';
export { ScheduleStats, scheduleCsv } from './schedule-stats.ts';
export type { ScheduleSnapshot } from './schedule-stats.ts';
export { formatHistogram } from './console-histogram.ts';
export type { HistogramOptions, HistogramSource } from './console-histogram.ts';
export { HdrLogWriter, hdrLogTag } from './hdr-log.ts';
export type { HdrLogOptions, HdrLogSink } from './hdr-log.ts';
export { SloError } from './slo-error.ts';
export { checkSlos, evaluateSlo, formatSlo, formatSloTable, formatSloValue, parseSlo, parseSlos } from './slo.ts';
export type { Slo, SloMetric, SloOperator, SloResult, SloSource, SloValue } from './slo.ts';
export { StatsWindow, WindowStats, takeMark, windowSince } from './stats-window.ts';
export type { StatsMark } from './stats-window.ts';
export { STEPS_CSV_HEADER, formatSaturation, formatStepsTable, stepResult, stepsCsv } from './steps-report.ts';
export type { StepResult } from './steps-report.ts';
export { sloVerdicts, stepVerdicts } from './verdicts.ts';
export { WindowEntry } from './window-entry.ts';
export type { WindowEntryInit } from './window-entry.ts';
export { forEachRecorded } from './histogram.ts';
export { createHistogram, recordMicros, toMicros, valuesAtPercentiles } from './histogram.ts';
export { PrometheusText, escapeLabelValue } from './prometheus-text.ts';
export type { PrometheusLabels } from './prometheus-text.ts';
