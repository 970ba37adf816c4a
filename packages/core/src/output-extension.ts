// The one seam between a family of statistics and every output of a run. The CLI loops over an
// environment's extensions for the console summary, the CSV files, the history CSVs, the HTML
// report, the web UI, `/metrics` and `--json-file`; the wiring below merges a worker's part into
// its master and zeroes the family when the request statistics are zeroed. Plain data in, plain
// text out: this package knows no CSV dialect, HTML or Prometheus format, the families do.
// It lives here, with the Environment and its events, because the merge and the reset hang on
// those events, and because user files register families as they add event listeners.

/** Where an extension's console table and report section go (see `OutputExtension.placement`). */
export type OutputPlacement = 'statistics' | 'verdicts';

/** A table of the web UI, in a tab of its own; shown once it has rows. */
export interface OutputTable {
  /** Unique among the tables and stable between polls: the tab is `#extra-<id>`. */
  id: string;
  /** The tab's label. */
  title: string;
  columns: string[];
  /** One value per column; numbers are aligned right, null shows as `-`. No rows: no tab. */
  rows: Array<Array<string | number | null>>;
  /** The last row sums the others: shown in bold, as the statistics' Aggregated row. */
  lastRowIsTotal?: boolean;
  /** Charts over time, drawn under the table (sent with every poll: keep them to recent points). */
  charts?: OutputTimeChart[];
}

/** A line (or marks) of an OutputTimeChart. */
export interface OutputChartSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  /** One value per time of the chart; null: none then. */
  values: Array<number | null>;
  /** Drawn as marks at its values, without a line: e.g. the times a condition held. */
  marks?: boolean;
}

/** A chart over time in a report section, drawn by the report's own charts (data, not markup). */
export interface OutputTimeChart {
  /** Unique in the report: the chart's container. */
  id: string;
  /** The caption above it (plain text). */
  caption: string;
  /** The y axis's unit. */
  unit: string;
  /** Unix seconds, ascending. */
  x: number[];
  series: OutputChartSeries[];
}

/** A section of the HTML report; `html` must already be escaped. */
export interface OutputSection {
  title: string;
  html: string;
  /** The section's anchor; by default `extra-<n>`, numbered among the sections without one. */
  id?: string;
  /**
   * Wide tables scroll sideways with their cells kept on one line (the default); false renders
   * `html` as it is, for content that lays itself out.
   */
  scroll?: boolean;
  /**
   * A warning shown at the top of the report, above the summary (plain text): for what makes the
   * whole report's numbers doubtful, e.g. a load generator that was its own bottleneck.
   */
  banner?: string;
  /** Charts over time, drawn after `html`. */
  charts?: OutputTimeChart[];
}

/** A file `--csv PREFIX` writes: `PREFIX_<suffix>.csv`. */
export interface OutputCsvFile {
  suffix: string;
  /** The whole file, rows ending with `\r\n` as Python's csv.writer writes them. */
  content: string;
}

/**
 * A history file besides `_stats_history.csv`, written on the same ticks: `PREFIX_<suffix>.csv`.
 * It is made on the first tick whose rows are not empty (header, then those rows), so a run that
 * records nothing of its kind gets no file; later rows are appended.
 */
export interface OutputHistoryCsv {
  suffix: string;
  /** The header line. */
  header(): string;
  /** This tick's rows, '' for none; `fullHistory` is `--csv-full-history`. */
  rows(options: { fullHistory: boolean }): string;
}

/**
 * One pass/fail judgement of a run (an SLO, a saturation step, a goodput bound): a test case of
 * `--junit FILE` and an item of `NAME_verdicts.json`.
 */
export interface OutputVerdict {
  /** The group it belongs to, a JUnit test suite: `Goodput`, `Steps`. */
  suite: string;
  /** Unique within its suite: `ttft<=500 ms`, `step 3: 9 users`. */
  name: string;
  pass: boolean;
  /** What was measured, in the bound's units (`812 ms`, `6 of 200 requests over`). */
  value: string;
  /** What it was held to (`< 600 ms`). */
  bound: string;
  /** One line saying why it failed, with the measured value and the bound; empty when it passed. */
  message: string;
}

/**
 * A family of statistics that renders itself in every output of a run. Every member but `name`
 * is optional: a family leaves out what it has nothing for. Each output asks once it is written
 * (the final summary, the final files, each tick of a history file or of the web UI).
 */
export interface OutputExtension {
  /** Unique among an environment's extensions: the key of its part of a worker's report. */
  readonly name: string;
  /**
   * Where its console table and report section go. `statistics` (the default): with the
   * statistics tables, the console's before the histogram, the report's at its end. `verdicts`:
   * after the SLO results, as the saturation steps' pass/fail table.
   */
  readonly placement?: OutputPlacement;
  /** Its table in the final console summary (ending with a blank line), '' for none. */
  consoleTable?(): string;
  /** The files `--csv` writes from the final statistics; none for an empty family. */
  csvFiles?(): readonly OutputCsvFile[];
  /** A history file `--csv` appends to every second. */
  readonly historyCsv?: OutputHistoryCsv;
  /** Its section of the HTML report (`--html`, the web UI's report), undefined for none. */
  htmlSection?(): OutputSection | undefined;
  /** Its table in the web UI (polled with the statistics). */
  webTable?(): OutputTable | undefined;
  /** Whole Prometheus text families appended to `/metrics`, '' for none. */
  prometheus?(): string;
  /**
   * Its pass/fail judgements of the run, from the final statistics (a finding such as a failed
   * saturation step does not change the exit code; only `--slo` does).
   */
  verdicts?(): readonly OutputVerdict[];
  /** What `--json-file NAME` writes to `NAME_<name>.json`; undefined for none. */
  json?(): unknown;
  /**
   * On a worker, with every report to the master: what was recorded since the last report, then
   * a new interval starts; undefined when there is nothing to send. Must survive msgpack.
   */
  takeReport?(): unknown;
  /**
   * On the master, before any of a worker's report is merged: why the value `takeReport` sent
   * is malformed (e.g. `entries: not an array`), or undefined. A refused report closes only
   * that worker's connection.
   */
  checkReport?(value: unknown): string | undefined;
  /** On the master: adds a worker's part (checked by `checkReport`). */
  merge?(value: unknown): void;
  /** Zeroes the family: when a test starts, and when the request statistics are reset. */
  reset?(): void;
  /**
   * Figures over a part of the run (a point of a rate sweep), on the master or a single process:
   * `windowMark` when the part starts, then `windowFigures` with that mark and its length in
   * seconds when it ends, e.g. `{ e2e_p99: 812 }` (null: no value). The rate sweep shows them
   * as `<name>.<figure>` beside its own.
   */
  windowMark?(): unknown;
  windowFigures?(mark: unknown, seconds: number): Record<string, number | null>;
}
