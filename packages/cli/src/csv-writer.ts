import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { OutputExtension } from '@locusta/core';
import { csvFileName } from './output-paths.ts';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { MANY_NAMES_THRESHOLD, exceptionsCsv, failuresCsv, historyCsvHeader, historyCsvRows, scheduleCsv, statsCsv, statsSettings } from '@locusta/stats';


/**
 * With more than MANY_NAMES_THRESHOLD entries, the snapshot files are rewritten once in this many
 * ticks. Rewriting 25,000 entries every second took a large share of the process's CPU and
 * blocked its event loop for hundreds of ms at a time, for a file read at the end; the history
 * still gets its row every second, and the final write is complete.
 */
export const MANY_NAMES_SNAPSHOT_TICKS = 10;

/**
 * Writes every file of `--csv PREFIX`: `PREFIX_stats.csv`, `_stats_history.csv`, `_failures.csv`
 * and `_exceptions.csv` (`_stats_corrected.csv` and `_schedule.csv` for scheduled tasks), and the
 * output families' files: their history files on the same ticks, their other files at the end.
 * Every second the snapshot files are rewritten whole (see MANY_NAMES_SNAPSHOT_TICKS) and a history row is appended;
 * `final()` writes them once more from the final statistics, so the files agree with the
 * final console summary (Locust's own files can lag it by up to a second).
 */
export class CsvWriter {
  readonly #prefix: string;
  readonly #stats: RequestStats;
  readonly #exceptions: ExceptionStats;
  readonly #fullHistory: boolean;
  readonly #userCount: () => number;
  readonly #outputs: () => readonly OutputExtension[];
  /** The output families' history files made so far. */
  readonly #made = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #attempt: (file: string, write: () => void) => void;
  #ticks = 0;

  constructor(options: {
    prefix: string;
    stats: RequestStats;
    exceptions: ExceptionStats;
    fullHistory: boolean;
    userCount: () => number;
    /** The output families, asked at each write (one may be added during the run). */
    outputs?: () => readonly OutputExtension[];
    /** A periodic write failed (the periodic writes stop; `final()` tries once more). */
    onError?: (err: unknown) => void;
    /** Runs each of `final()`'s writes (a file name, `PREFIX_*.csv` for the request statistics' ones), to report a failure and go on. */
    attempt?: (file: string, write: () => void) => void;
  }) {
    this.#prefix = resolve(options.prefix);
    this.#stats = options.stats;
    this.#exceptions = options.exceptions;
    this.#fullHistory = options.fullHistory;
    this.#userCount = options.userCount;
    this.#onError = options.onError;
    this.#outputs = options.outputs ?? (() => []);
    this.#attempt = options.attempt ?? ((_file, write) => write());
  }

  #file(suffix: string): string {
    return csvFileName(this.#prefix, suffix);
  }

  start(): void {
    mkdirSync(dirname(this.#prefix), { recursive: true });
    writeFileSync(this.#file('stats_history'), historyCsvHeader());
    this.#snapshot();
    this.#timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        // A throw here would end the process with a stack trace and lose every other output.
        clearInterval(this.#timer);
        this.#onError?.(err);
      }
      // CSV_STATS_INTERVAL_SEC: the files are rewritten (history appended) every second by default.
    }, statsSettings.CSV_STATS_INTERVAL_SEC * 1000);
    this.#timer.unref();
  }

  /** One periodic write: the snapshot files and a history row. */
  tick(): void {
    this.#ticks++;
    if (this.#stats.size <= MANY_NAMES_THRESHOLD || this.#ticks % MANY_NAMES_SNAPSHOT_TICKS === 0) this.#snapshot();
    this.#appendHistory();
  }

  #appendHistory(): void {
    appendFileSync(this.#file('stats_history'), historyCsvRows(this.#stats, { userCount: this.#userCount(), fullHistory: this.#fullHistory }));
    for (const ext of this.#outputs()) {
      const history = ext.historyCsv;
      if (!history) continue;
      const rows = history.rows({ fullHistory: this.#fullHistory });
      if (rows === '') continue;
      const file = this.#file(history.suffix);
      if (this.#made.has(file)) appendFileSync(file, rows);
      else writeFileSync(file, history.header() + rows);
      this.#made.add(file);
    }
  }

  /**
   * Stops the timer and writes everything from the final statistics (synchronously), then the
   * output families' files; a failed write does not stop the others.
   */
  final(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#attempt(this.#file('*'), () => {
      this.#snapshot();
      this.#appendHistory();
    });
    for (const ext of this.#outputs()) {
      for (const f of ext.csvFiles?.() ?? []) {
        const file = this.#file(f.suffix);
        this.#attempt(file, () => writeFileSync(file, f.content));
      }
    }
  }

  #snapshot(): void {
    const stats = this.#stats;
    writeFileSync(this.#file('stats'), statsCsv(stats));
    writeFileSync(this.#file('failures'), failuresCsv(stats));
    writeFileSync(this.#file('exceptions'), exceptionsCsv(this.#exceptions));
    // Runs with scheduled tasks also get the corrected times, in stats.csv's columns, and the lag.
    if (stats.corrected) writeFileSync(this.#file('stats_corrected'), statsCsv(stats.corrected));
    if (stats.schedule.active) writeFileSync(this.#file('schedule'), scheduleCsv(stats.schedule));
  }
}
