// What the HTML report shows. The runner fills it at the end of a test; nothing here is trusted:
// names, errors and tracebacks come from the targets and the user files, so every string is
// escaped when rendered.

/** One second of the run, for the Aggregated row. Response times in ms, null when no request ended. */
export interface ReportHistoryRow {
  /** Unix seconds. */
  time: number;
  users: number;
  rps: number;
  failPerSec: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One row of the request statistics (times in ms, sizes in bytes, rates per second). */
export interface ReportEntry {
  method: string;
  name: string;
  numRequests: number;
  numFailures: number;
  avg: number;
  /** null when no request was timed. */
  min: number | null;
  max: number;
  median: number;
  rps: number;
  failPerSec: number;
  avgContentLength: number;
  /** `[fraction, ms]`, e.g. `[0.99, 120]`, ascending by fraction. */
  percentiles: Array<[number, number]>;
  /** `[upper bound ms, count]`, only the non-empty buckets, ascending by bound. */
  histogram: Array<[number, number]>;
}

export interface ReportFailure {
  method: string;
  name: string;
  error: string;
  occurrences: number;
}

export interface ReportException {
  count: number;
  message: string;
  traceback: string;
  /** The workers that raised it, as one display string. */
  nodes: string;
}

/** How late iterations started compared with their schedule (ms). */
export interface ReportLag {
  percentiles: Array<[number, number]>;
  histogram: Array<[number, number]>;
  max: number;
  count: number;
}

/** Coordinated-omission corrected latencies: response times measured from the intended start. */
export interface ReportCorrected {
  /** Same layout as ReportData.entries, the Aggregated row last. */
  entries: ReportEntry[];
  lag: ReportLag;
}

export interface ReportSlo {
  expression: string;
  /** The measured value, null when there was nothing to measure. */
  value: number | null;
  pass: boolean;
}

/** One step of a stepped load (ms for the percentiles, failRatio 0..1). */
export interface ReportStep {
  users: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  failRatio: number;
  pass: boolean;
  /** The load generator was its own bottleneck during the step (its latencies include that). */
  clientLimited?: boolean;
}

export interface ReportSaturation {
  /** Users at the first step where the SLO failed; null when it never failed. */
  users: number | null;
  slo: string;
}

/** A section added by another feature (an output family); `html` must already be escaped. */
/** A chart over time of an extra section (x: unix seconds); a `marks` series is drawn as marks, not a line. */
export interface ReportTimeChart {
  id: string;
  caption: string;
  unit: string;
  x: number[];
  series: Array<{ label: string; color: string; values: Array<number | null>; marks?: boolean }>;
}

export interface ReportExtraSection {
  title: string;
  html: string;
  /** The section's anchor; by default `extra-<n>`, numbered among the sections without one. */
  id?: string;
  /** Wide tables scroll sideways, their cells kept on one line (the default); false: `html` as it is. */
  scroll?: boolean;
  /** `statistics` (the default): at the end of the report; `verdicts`: after the SLO results. */
  placement?: 'statistics' | 'verdicts';
  /** A warning shown at the top of the report, above the summary (plain text). */
  banner?: string;
  /** Charts over time, drawn after `html` by the report's charts. */
  charts?: ReportTimeChart[];
}

export interface ReportData {
  /** @default 'Locusta report' */
  title?: string;
  host: string;
  userFiles: string[];
  command?: string;
  /** `--profile`: the name grouping this run with others. */
  profile?: string;
  /** The percentile table's columns (PERCENTILES_TO_REPORT); Locust's by default. */
  percentiles?: readonly number[];
  /** Unix seconds. */
  startTime: number;
  /** Unix seconds. */
  endTime: number;
  /** One row a second. */
  history: ReportHistoryRow[];
  /** The last one is the Aggregated row (method '', name 'Aggregated'). */
  entries: ReportEntry[];
  failures: ReportFailure[];
  exceptions: ReportException[];
  corrected?: ReportCorrected;
  slos?: ReportSlo[];
  steps?: ReportStep[];
  saturation?: ReportSaturation;
  extraSections?: ReportExtraSection[];
}
