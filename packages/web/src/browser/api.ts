// The parts of the REST API's answers that the page reads.

export type RunnerState = 'ready' | 'spawning' | 'running' | 'stopping' | 'stopped' | 'missing';

/** A row of `/stats/requests`' `stats`, by Locust's column keys. */
export type StatsRow = Record<string, string | number | null>;

/** `/stats/requests` */
export interface StatsReport {
  state: RunnerState;
  user_count: number;
  current_rps?: number;
  fail_ratio?: number;
  worker_count?: number;
  /** Per name, then the Aggregated row last. */
  stats?: StatsRow[];
  omitted_entries?: number;
  warning?: string;
  errors?: Array<{ occurrences: number; method: string; name: string; error: string }>;
  omitted_errors?: number;
  workers?: Array<{ id: string; state: string; user_count: number; cpu_usage: number; memory_usage: number }>;
}

/** A sample of `/stats/history`: [label, value] pairs, time in ISO 8601 UTC. */
export interface HistoryRow {
  time: string;
  current_rps: [string, number];
  current_fail_per_sec: [string, number];
  /** One for each of PERCENTILES_TO_CHART (0.5 and 0.95 by default). */
  [percentile: `response_time_percentile_${number}`]: [string, number];
  user_count: [string, number];
}

/** `/stats/history`: the rows after `after`, or all rows of a new run when `full`. */
export interface HistoryPage {
  run: number;
  next: number;
  full: boolean;
  history: HistoryRow[];
}

/** `/exceptions` */
export interface ExceptionsReport {
  exceptions: Array<{ count: number; msg: string; traceback: string; nodes: string }>;
}

/** `/logs` */
export interface LogsReport {
  master: string[];
  workers?: Record<string, string[]>;
}

/** A chart over time of an extra table (x: unix seconds). */
export interface ExtraChart {
  id: string;
  caption: string;
  unit: string;
  x: number[];
  series: Array<{ label: string; color: string; values: Array<number | null>; marks?: boolean }>;
}

/** A table of `/stats/extra`. */
export interface ExtraTable {
  id: string;
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  lastRowIsTotal?: boolean;
  /** Charts over time, drawn under the table. */
  charts?: ExtraChart[];
}

/** `/tasks`: the share of each user class, and of each task within it. */
export type TaskRatios = Record<string, { ratio: number; tasks?: TaskRatios }>;

/** `/swarm`'s answer. */
export interface SwarmReply {
  success: boolean;
  message?: string;
  host?: string;
}
