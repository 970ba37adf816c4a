import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { MANY_NAMES_THRESHOLD, exceptionsCsv, failuresCsv, historyCsvHeader, historyCsvRows, scheduleCsv, statsCsv } from '@locusta/stats';

/**
 * A history file besides Locust's, written on the same ticks: `PREFIX_<suffix>.csv`. Made on the
 * first tick whose rows are not empty (header, then those rows), so a run that records nothing
 * of its kind gets no file; later rows are appended.
 */
export interface ExtraHistoryCsv {
  suffix: string;
  header(): string;
  /** This tick's rows, '' for none. */
  rows(): string;
}

/** Locust's CSV_STATS_INTERVAL_SEC: the files are rewritten (history appended) every second. */
export const CSV_INTERVAL_MS = 1000;

/**
 * With more than MANY_NAMES_THRESHOLD entries, the snapshot files are rewritten once in this many
 * ticks. Rewriting 25,000 entries every second took a large share of the process's CPU and
 * blocked its event loop for hundreds of ms at a time, for a file read at the end; the history
 * still gets its row every second, and the final write is complete.
 */
export const MANY_NAMES_SNAPSHOT_TICKS = 10;

/**
 * Writes `PREFIX_stats.csv`, `_stats_history.csv`, `_failures.csv` and `_exceptions.csv`, and
 * the `extraHistory` files other packages add.
 * Every second the three snapshot files are rewritten whole (see MANY_NAMES_SNAPSHOT_TICKS) and a history row is appended;
 * `final()` writes them once more from the final statistics, so the files agree with the
 * final console summary (Locust's own files can lag it by up to a second).
 */
export class CsvWriter {
  readonly #prefix: string;
  readonly #stats: RequestStats;
  readonly #exceptions: ExceptionStats;
  readonly #fullHistory: boolean;
  readonly #userCount: () => number;
  readonly #extraHistory: ReadonlyArray<{ csv: ExtraHistoryCsv; file: string; made: boolean }>;
  #timer: NodeJS.Timeout | undefined;
  readonly #onError: ((err: unknown) => void) | undefined;
  #ticks = 0;

  constructor(options: {
    prefix: string;
    stats: RequestStats;
    exceptions: ExceptionStats;
    fullHistory: boolean;
    userCount: () => number;
    extraHistory?: readonly ExtraHistoryCsv[];
    /** A periodic write failed (the periodic writes stop; `final()` tries once more). */
    onError?: (err: unknown) => void;
  }) {
    this.#prefix = resolve(options.prefix);
    this.#stats = options.stats;
    this.#exceptions = options.exceptions;
    this.#fullHistory = options.fullHistory;
    this.#userCount = options.userCount;
    this.#onError = options.onError;
    this.#extraHistory = (options.extraHistory ?? []).map((csv) => ({ csv, file: `${this.#prefix}_${csv.suffix}.csv`, made: false }));
  }

  start(): void {
    mkdirSync(dirname(this.#prefix), { recursive: true });
    writeFileSync(`${this.#prefix}_stats_history.csv`, historyCsvHeader());
    this.#snapshot();
    this.#timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        // A throw here would end the process with a stack trace and lose every other output.
        clearInterval(this.#timer);
        this.#onError?.(err);
      }
    }, CSV_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One periodic write: the snapshot files and a history row. */
  tick(): void {
    this.#ticks++;
    if (this.#stats.size <= MANY_NAMES_THRESHOLD || this.#ticks % MANY_NAMES_SNAPSHOT_TICKS === 0) this.#snapshot();
    this.#appendHistory();
  }

  #appendHistory(): void {
    appendFileSync(`${this.#prefix}_stats_history.csv`, historyCsvRows(this.#stats, { userCount: this.#userCount(), fullHistory: this.#fullHistory }));
    for (const extra of this.#extraHistory) {
      const rows = extra.csv.rows();
      if (rows === '') continue;
      if (extra.made) appendFileSync(extra.file, rows);
      else writeFileSync(extra.file, extra.csv.header() + rows);
      extra.made = true;
    }
  }

  /** Stops the timer and writes everything from the final statistics (synchronously). */
  final(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#snapshot();
    this.#appendHistory();
  }

  #snapshot(): void {
    const stats = this.#stats;
    writeFileSync(`${this.#prefix}_stats.csv`, statsCsv(stats));
    writeFileSync(`${this.#prefix}_failures.csv`, failuresCsv(stats));
    writeFileSync(`${this.#prefix}_exceptions.csv`, exceptionsCsv(this.#exceptions));
    // Runs with scheduled tasks also get the corrected times, in stats.csv's columns, and the lag.
    if (stats.corrected) writeFileSync(`${this.#prefix}_stats_corrected.csv`, statsCsv(stats.corrected));
    if (stats.schedule.active) writeFileSync(`${this.#prefix}_schedule.csv`, scheduleCsv(stats.schedule));
  }
}
