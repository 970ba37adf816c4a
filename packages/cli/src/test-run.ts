import { appendFileSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Environment, LoadTestShape, UserClass } from '@locusta/core';
import type { ArrivalPlan } from '@locusta/runner';
import { ShapeDriver } from '@locusta/runner';
import type { Logger, OutputPlacement, OutputVerdict } from '@locusta/core';
import { messageOf, outputsOf } from '@locusta/core';
import type { ExceptionStats, RequestStats, SloResult } from '@locusta/stats';
import {
  HdrLogWriter,
  checkSlos,
  formatErrorReport,
  formatHistogram,
  formatPercentilesTable,
  formatSloTable,
  formatStatsJson,
  formatStatsTable,
  sloVerdicts,
  statsSettings,
} from '@locusta/stats';
import { CsvWriter } from './csv-writer.ts';
import { formatJunit, verdictsJson } from './junit-report.ts';
import type { ReportInputs } from './html-report.ts';
import { reportData, writeHtmlReport } from './html-report.ts';
import { escapeHtml, renderHtmlReport } from '@locusta/report';
import type { OutputPaths } from './output-paths.ts';
import type { StepsOutput } from './steps-output.ts';
import type { RequestLog } from './request-log.ts';
import type { RequestLogTotals } from './request-log-writer.ts';
import { NamesWatch } from './names-watch.ts';
import { RunHistory } from './run-history.ts';
import { SLO_EXIT_CODE, SloMonitor } from './slo-monitor.ts';
import { StepSearch } from './step-search.ts';
import type { SweepOutput } from './sweep-output.ts';
import { SweepRunner } from './sweep-runner.ts';
import type { LocustaOptions } from './options.ts';
import type { RunSettings } from './validate.ts';
import type { Watchdog } from './watchdog.ts';

/** The exit code of a run some output file of which could not be written (see README). */
const OUTPUT_EXIT_CODE = 4;

/** Seconds a sweep waits after each point by default, and at least on a master (see README, "Rate sweep"). */
const DEFAULT_DRAIN = 5;
const MASTER_MIN_DRAIN = 4;


/** What a test run needs of its runner: a LocalRunner, or a MasterRunner driving workers. */
export interface RunnerControl {
  readonly userCount: number;
  start(userCount: number, spawnRate: number, userClasses?: UserClass[]): Promise<void>;
  /** The open workload model: iterations at the plan's rate with up to `maxUsers` users. */
  startArrivals(plan: ArrivalPlan, maxUsers: number): Promise<void>;
  /** Ends the test but keeps the runner (the web UI may start another). */
  stop(): Promise<void>;
  quit(): Promise<void>;
}

export interface TestRunOptions {
  runner: RunnerControl;
  /** A LoadTestShape drives the user count instead of -u/-r (and -t, unless it uses common options). */
  shape?: LoadTestShape;
  /** Runs before the ramp (a master waits for its workers here); false ends the run with exit code 1. */
  beforeStart?: () => Promise<boolean>;
  /**
   * With the web UI: tests start from the UI (or at once with autostart), the run time and the
   * runner's own reasons stop the test rather than the process, and the process quits on a
   * signal, on the UI's quit, or `autoquit` seconds after an autostarted test ended.
   */
  ui?: { autostart: boolean; autoquit: number };
  /** Runs after every output is written (the web UI closes here). */
  afterQuit?: () => Promise<void>;
  /** The user files, named in the HTML report. */
  userFiles?: string[];
  /** Extra lines for the final summary (a master lists the workers it lost). */
  summaryNotes?: () => string[];
  /**
   * Why the run failed, known only to the runner (a master that refused every worker that
   * came): exit code 1, and the reason ends the final summary.
   */
  failure?: () => string | undefined;
  settings: RunSettings;
  options: LocustaOptions;
  /** The names of the output files (checked before the run). */
  paths: OutputPaths;
  /** The steps' output family, among the environment's: it shows the search this run makes. */
  steps: StepsOutput;
  /** The rate sweep's output family (`--sweep`), among the environment's. */
  sweep?: SweepOutput;
  /** `--requests-log`: closed (its last lines written) on every way the run ends, before the summary. */
  requestLog?: RequestLog;
  /** Set when an error escaped user code (uncaught exception, unhandled rejection): a task error. */
  hadUncaughtError?: () => boolean;
  /** Handed the summary every second, to print it if user code blocks the event loop. */
  watchdog?: Pick<Watchdog, 'update'>;
  logger: Logger;
  /** Set when an event listener threw: exit code 2 if nothing else failed (as Locust). */
  hadUnhandledError: () => boolean;
}

/** Width of the name column: Locust's STATS_NAME_WIDTH (80 without a terminal). */
function nameWidth(): number {
  const cols = process.stderr.isTTY ? process.stderr.columns : undefined;
  return cols ? Math.max(Math.min(cols - 80, 80), 0) : 80;
}

function printErr(text: string): void {
  writeSync(2, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * One run of the load test, headless or behind the web UI: ramp, print the table every 2 s,
 * write the CSVs every second, stop on the run time, a signal or StopTest, then write every
 * output (the request statistics' and the output families') from the same final statistics and
 * return the exit code.
 */
export class TestRun {
  readonly runner: RunnerControl;
  readonly #env: Environment;
  readonly #stats: RequestStats;
  readonly #exceptions: ExceptionStats;
  readonly #o: TestRunOptions;
  readonly #csv: CsvWriter | undefined;
  readonly #history: RunHistory;
  readonly #names: NamesWatch;
  readonly #slo: SloMonitor | undefined;
  #sloResults: SloResult[] | undefined;
  #steps: StepSearch | undefined;
  #sweep: SweepRunner | undefined;
  #watchdogTimer: NodeJS.Timeout | undefined;
  readonly #hdrLog: HdrLogWriter | undefined;
  #hdrTimer: NodeJS.Timeout | undefined;
  #printer: NodeJS.Timeout | undefined;
  #runTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<number> | undefined;
  #resolveDone!: (code: number) => void;
  readonly #done = new Promise<number>((r) => (this.#resolveDone = r));
  #signals = 0;

  constructor(env: Environment, stats: RequestStats, exceptions: ExceptionStats, o: TestRunOptions) {
    this.#env = env;
    this.#stats = stats;
    this.#exceptions = exceptions;
    this.#o = o;
    this.runner = o.runner;
    const paths = o.paths;
    const csv = paths.csvPrefix;
    this.#csv =
      csv !== undefined
        ? new CsvWriter({
            prefix: csv,
            stats,
            exceptions,
            fullHistory: o.options.csvFullHistory,
            userCount: () => this.runner.userCount,
            outputs: () => outputsOf(env),
            onError: (err) => this.#failedWrite(paths.csv('*'), err),
            attempt: (file, write) => this.#attempt(file, write),
          })
        : undefined;
    this.#history = new RunHistory(stats, () => this.runner.userCount);
    this.#names = new NamesWatch(stats, o.logger);
    const slos = o.settings.slos ?? [];
    if (slos.length > 0 && !o.settings.steps) {
      this.#slo = new SloMonitor(slos, stats, {
        logger: o.logger,
        abort: o.options.sloAbort,
        graceSeconds: o.settings.sloGrace ?? 0,
        onAbort: (reason) => void this.shutdown(reason),
      });
    }
    const hdrFile = paths.hdrLog;
    if (hdrFile !== undefined) {
      writeFileSync(hdrFile, '');
      this.#hdrLog = new HdrLogWriter((text) => appendFileSync(hdrFile, text), stats);
    }
    if (o.options.resetStats) {
      env.events.spawningComplete.addListener(() => {
        o.logger.info('Resetting stats');
        // Requests in flight now started before the reset: they must not land in the new figures.
        env.measurement.resetAt();
        stats.reset();
        // The output families reset on this event, and a master passes the reset to its workers.
        env.events.resetStats.fire();
      });
    }
  }

  /** Runs until stopped; resolves with the exit code. */
  async run(): Promise<number> {
    const { settings, logger, options } = this.#o;
    const onSignal = () => this.#onSignal();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      if (settings.runTime !== undefined) logger.info(`Run time limit set to ${settings.runTime} seconds`);
      else logger.info('No run time limit set, use CTRL+C to interrupt');
      const watchdog = this.#o.watchdog;
      if (watchdog) {
        this.#watchdogTimer = setInterval(() => watchdog.update({ summary: this.#summaryTables() }), 1000);
        this.#watchdogTimer.unref();
      }
      if (this.#csv) this.#attempt(this.#o.paths.csv('*'), () => this.#csv?.start());
      this.#history.start();
      this.#names.start();
      this.#slo?.start();
      if (this.#hdrLog) {
        const file = this.#o.paths.hdrLog ?? '';
        this.#hdrTimer = setInterval(() => this.#attempt(file, () => this.#hdrLog?.writeInterval()), 1000);
        this.#hdrTimer.unref();
      }
      const ui = this.#o.ui;
      if (ui?.autostart && ui.autoquit >= 0) {
        this.#env.events.testStop.addListener(() => {
          this.#o.logger.info(`Quitting in ${ui.autoquit} seconds (--autoquit)`);
          setTimeout(() => void this.shutdown('--autoquit time reached, shutting down'), ui.autoquit * 1000).unref();
        });
      }
      if (!options.onlySummary && (!ui || options.printStats)) {
        printErr(formatStatsTable(this.#stats, { current: true, nameWidth: nameWidth() }));
        this.#printer = setInterval(
          () => printErr(formatStatsTable(this.#stats, { current: true, nameWidth: nameWidth() })),
          statsSettings.CONSOLE_STATS_INTERVAL_SEC * 1000,
        );
      }
      if (!ui || ui.autostart) void this.begin();
      return await this.#done;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  /** Starts the configured test: the shape, the steps, the arrivals, or -u users at -r. */
  async begin(): Promise<void> {
    const { settings, logger, beforeStart } = this.#o;
    try {
      if (beforeStart && !(await beforeStart())) {
        this.#failed = true;
        await this.shutdown('Could not start the test, shutting down');
        return;
      }
      const shape = this.#o.shape;
      const useRunTime = !shape || (shape.constructor as typeof LoadTestShape).useCommonOptions;
      // The run time counts from the start of the test (ramp included), as in Locust.
      if (settings.runTime !== undefined && useRunTime && !this.#stopping) {
        this.#runTimer = this.#o.ui
          ? setTimeout(() => void this.#stopTest('--run-time limit reached, stopping test'), settings.runTime * 1000)
          : setTimeout(() => void this.shutdown('--run-time limit reached, shutting down'), settings.runTime * 1000);
      }
      if (shape) {
        shape.runner = this.#env.runner;
        this.#driver = new ShapeDriver(shape, this.runner, {
          logger,
          onEnd: () => void this.shutdown('Shape test ended, shutting down'),
        });
        this.#driver.start();
        return;
      }
      if (settings.steps) {
        const steps = settings.steps;
        this.#steps = new StepSearch(this.runner, this.#stats, {
          stepUsers: steps.users,
          maxUsers: settings.users,
          spawnRate: settings.spawnRate,
          stepTime: steps.time,
          settle: steps.settle,
          continueAfterFail: steps.continueAfterFail,
          slos: settings.slos ?? [],
          logger,
          onEnd: (reason) => void this.shutdown(reason),
        });
        this.#o.steps.search = this.#steps;
        await this.#steps.run();
        return;
      }
      if (settings.sweep && this.#o.sweep) {
        await this.#runSweep(settings.sweep, this.#o.sweep);
        return;
      }
      if (settings.arrivals) {
        if (settings.arrivals.spacing !== 'even') logger.info(`${settings.arrivals.spacing === 'poisson' ? 'Poisson' : 'Gamma'} arrivals with --seed ${settings.arrivals.seed}`);
        await this.runner.startArrivals(settings.arrivals, settings.users);
        return;
      }
      await this.runner.start(settings.users, settings.spawnRate);
    } catch (err) {
      logger.error(`Spawning failed: ${messageOf(err)}`);
      await this.shutdown('Spawning failed, shutting down');
    }
  }

  #failed = false;
  #driver: ShapeDriver | undefined;

  /** The rate sweep: its points are judged here, on the (merged) statistics. */
  async #runSweep(sweep: NonNullable<RunSettings['sweep']>, output: SweepOutput): Promise<void> {
    const { settings, logger, options } = this.#o;
    // A master's windows close on its workers' reports (every 3 s): the drain must outlast one.
    const minimum = options.master || options.processes !== undefined ? MASTER_MIN_DRAIN : 0;
    const drain = Math.max(sweep.drain ?? DEFAULT_DRAIN, minimum);
    if (sweep.drain !== undefined && drain > sweep.drain) logger.warn(`--sweep-drain ${sweep.drain} s raised to ${drain} s: a master hears from its workers every 3 s`);
    // Closed users stop between points: they finish the request they are in, so that it is
    // counted in its point (the workers get the stop timeout with every spawn message).
    this.#env.stopTimeout = Math.max(this.#env.stopTimeout, drain);
    if (sweep.spacing.spacing !== 'even') logger.info(`${sweep.spacing.spacing === 'poisson' ? 'Poisson' : 'Gamma'} arrivals with --seed ${sweep.spacing.seed}`);
    this.#sweep = new SweepRunner(this.runner, this.#stats, {
      rates: sweep.rates,
      maxUsers: settings.users,
      time: sweep.time,
      drain,
      spacing: sweep.spacing,
      extensions: () => outputsOf(this.#env),
      logger,
      onEnd: (reason) => void this.shutdown(reason),
    });
    output.sweep = this.#sweep;
    await this.#sweep.run();
  }

  #reportInputs(slos: SloResult[]): ReportInputs {
    // The report covers what the statistics cover, as Locust's (stats.start_time): from the start
    // of the test, which resets them, or from a later reset; not the time a web UI sat idle first.
    const startTime = this.#stats.total.startTime;
    return {
      stats: this.#stats,
      exceptions: this.#exceptions,
      history: this.#history.rows.filter((row) => row.time >= startTime),
      host: this.#env.host ?? '',
      userFiles: this.#o.userFiles ?? [],
      profile: this.#env.profile,
      startTime,
      slos,
      sections: [...outputsOf(this.#env).flatMap((ext) => {
        const section = ext.htmlSection?.();
        return section ? [{ ...section, placement: ext.placement }] : [];
      }), ...this.#windowSection()],
    };
  }

  /** The report's note of the requests the measurement window left out, if it left any or was set. */
  #windowSection(): NonNullable<ReportInputs['sections']> {
    const line = this.#env.measurement.summary();
    return line === undefined ? [] : [{ title: 'Measurement window', id: 'measurement-window', html: `<p>${escapeHtml(line)}</p>`, scroll: false }];
  }

  /** The HTML report of the statistics so far (the web UI's /stats/report). */
  htmlReport(): string {
    // Evaluated for the report only: the monitor's check would log and could abort the run.
    const slos = this.#slo ? checkSlos(this.#slo.slos, this.#stats) : [];
    return renderHtmlReport(reportData(this.#reportInputs(slos)));
  }

  /**
   * Ends the run for a reason that is an error in itself (exit code 1 when nothing else failed).
   * With the web UI only the test stops; the UI stays up.
   */
  fail(reason: string): Promise<number> {
    this.#failed = true;
    if (this.#o.ui) {
      void this.#stopTest(reason);
      return this.#done;
    }
    return this.shutdown(reason);
  }

  async #stopTest(reason: string): Promise<void> {
    this.#o.logger.info(reason);
    this.#driver?.stop();
    this.#steps?.stop();
    this.#sweep?.stop();
    await this.runner.stop();
  }

  #onSignal(): void {
    this.#signals++;
    if (this.#signals === 1) {
      void this.shutdown('Got a stop signal, shutting down (press Ctrl-C again to exit at once)');
      return;
    }
    // A second signal: write what we have, synchronously, and leave at once.
    this.#stopReason = 'Second stop signal: exited at once with the statistics gathered so far';
    this.#o.logger.warn('Second stop signal: exiting at once with the statistics gathered so far');
    const log = this.#o.requestLog?.closeSync();
    if (log) this.#requestLogClosed(log);
    this.#writeFiles();
    this.#printSummary();
    this.#resolveDone(this.#exitCode());
  }

  /** Stops the test, then writes every output once from the final statistics. */
  shutdown(reason: string): Promise<number> {
    this.#stopping ??= (async () => {
      const { logger } = this.#o;
      this.#stopReason = reason;
      logger.info(reason);
      if (this.#runTimer) clearTimeout(this.#runTimer);
      this.#driver?.stop();
      this.#steps?.stop();
      this.#sweep?.stop();
      await this.runner.quit();
      if (this.#printer) clearInterval(this.#printer);
      await this.#env.events.quitting.fireAsync({ environment: this.#env }, { reverse: true });
      // The workers' last reports are in: every line of the requests log has reached its writer.
      const log = this.#o.requestLog?.close();
      if (log) this.#requestLogClosed(await log);
      // The files first: a failed write changes the exit code, and the line below tells the final one.
      this.#writeFiles();
      const ui = this.#o.ui;
      if ((!ui || ui.autostart) && this.#stats.total.numRequests === 0 && this.#exceptions.size === 0) {
        // Not an error in Locust's rules (exit code 0), but never a silent one.
        logger.warn('The test made no request and raised no error');
      }
      const code = this.#exitCode();
      logger.info(`Shutting down (exit code ${code})`);
      this.#printSummary();
      await this.#o.afterQuit?.();
      this.#env.events.quit.fire({ exitCode: code });
      this.#resolveDone(code);
      return code;
    })();
    return this.#stopping;
  }

  /** The SLOs judged once, on the final statistics. */
  #finalSlos(): SloResult[] {
    this.#sloResults ??= this.#slo?.final() ?? [];
    return this.#sloResults;
  }

  /** Why the run ended, as logged: a property of the JUnit report. */
  #stopReason: string | undefined;

  /** Every verdict of the run: the SLOs', then the output families' (steps, goodput bounds). */
  #verdicts(): OutputVerdict[] {
    return [...sloVerdicts(this.#finalSlos(), this.#slo?.abortedBy), ...outputsOf(this.#env).flatMap((ext) => ext.verdicts?.() ?? [])];
  }

  #writeJunit(file: string): void {
    const start = this.#stats.total.startTime;
    const end = this.#stats.total.lastRequestTimestamp ?? start;
    const properties: Array<readonly [string, string]> = [['host', this.#env.host ?? '']];
    if (this.#stopReason !== undefined) properties.push(['stop_reason', this.#stopReason]);
    writeFileSync(file, formatJunit(this.#verdicts(), { startTime: start, seconds: Math.max(end - start, 0), hostname: hostname(), properties }));
  }

  #exitCode(): number {
    // Lost output overrides every other outcome: a run whose results are missing did not succeed.
    if (this.#writeFailures.size > 0) return OUTPUT_EXIT_CODE;
    const env = this.#env;
    if (env.processExitCode !== undefined) return env.processExitCode;
    if (this.#finalSlos().some((r) => !r.pass)) return SLO_EXIT_CODE;
    if (this.#stats.errors().length > 0 || this.#exceptions.size > 0 || this.#o.hadUncaughtError?.()) return this.#o.options.exitCodeOnError;
    if (this.#failed || this.#o.failure?.() !== undefined) return 1;
    if (this.#o.hadUnhandledError()) return 2;
    return 0;
  }

  /** The statistics, percentiles and errors tables of the final summary, from the stats so far. */
  #summaryTables(): string {
    const width = nameWidth();
    const stats = this.#stats;
    const errors = formatErrorReport(stats, { nameWidth: width });
    const tables = [formatStatsTable(stats, { current: false, nameWidth: width }), formatPercentilesTable(stats, { nameWidth: width })];
    return [...tables, ...(errors ? [errors] : [])].map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('');
  }

  /** Output files that could not be written: file -> the error, each logged once. */
  readonly #writeFailures = new Map<string, string>();

  /** Runs one write; a failure is logged (one line naming the file) and kept for the exit code. */
  #attempt(file: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.#failedWrite(file, err);
    }
  }

  #failedWrite(file: string, err: unknown): void {
    if (this.#writeFailures.has(file)) return;
    const message = `Could not write ${file}: ${messageOf(err)}`;
    this.#writeFailures.set(file, message);
    this.#o.logger.error(message);
  }

  #requestLogNote: string | undefined;
  /** Keeps the write error (exit code 4) and the summary's line on the requests log. */
  #requestLogClosed(totals: RequestLogTotals): void {
    const file = this.#o.paths.requestsLog ?? '';
    if (totals.error !== undefined) this.#failedWrite(file, totals.error);
    this.#requestLogNote =
      totals.dropped > 0
        ? `Requests log: ${totals.lines} lines written to ${file}, ${totals.dropped} DROPPED (the log could not keep up; its last line says so)`
        : `Requests log: ${totals.lines} lines written to ${file}`;
  }

  #filesWritten = false;
  /** Every output file, once, from the final statistics; each failure is kept, the others still written. */
  #writeFiles(): void {
    if (this.#filesWritten) return;
    this.#filesWritten = true;
    if (this.#watchdogTimer) clearInterval(this.#watchdogTimer);
    const paths = this.#o.paths;
    this.#csv?.final();
    this.#history.stop();
    if (this.#hdrTimer) clearInterval(this.#hdrTimer);
    const hdrLog = paths.hdrLog;
    if (this.#hdrLog && hdrLog !== undefined) this.#attempt(hdrLog, () => this.#hdrLog?.writeInterval());
    const html = paths.html;
    if (html !== undefined) this.#attempt(html, () => writeHtmlReport(html, this.#reportInputs(this.#finalSlos())));
    const junit = paths.junit;
    if (junit !== undefined) this.#attempt(junit, () => this.#writeJunit(junit));
    const json = paths.json();
    if (json !== undefined) {
      this.#attempt(json, () => writeFileSync(json, `${formatStatsJson(this.#stats)}\n`));
      const verdicts = paths.json('verdicts');
      if (verdicts !== undefined) this.#attempt(verdicts, () => writeFileSync(verdicts, `${JSON.stringify(verdictsJson(this.#verdicts()), null, 1)}\n`));
      for (const ext of outputsOf(this.#env)) {
        const value = ext.json?.();
        const file = paths.json(ext.name);
        if (value !== undefined && file !== undefined) this.#attempt(file, () => writeFileSync(file, `${JSON.stringify(value)}\n`));
      }
    }
  }

  #summaryPrinted = false;
  /** The final tables on stderr, and `--json` on stdout. */
  #printSummary(): void {
    if (this.#summaryPrinted) return;
    this.#summaryPrinted = true;
    const width = nameWidth();
    const stats = this.#stats;
    printErr(this.#summaryTables());
    if (stats.corrected) {
      printErr('Corrected for coordinated omission: response times from the intended start of each task');
      printErr(formatPercentilesTable(stats.corrected, { nameWidth: width }));
    }
    if (stats.schedule.active) printErr(stats.schedule.summary());
    // The output families' tables: statistics with the statistics, verdicts after the SLOs'.
    const tables = (placement: OutputPlacement) => {
      for (const ext of outputsOf(this.#env)) {
        const table = (ext.placement ?? 'statistics') === placement ? (ext.consoleTable?.() ?? '') : '';
        if (table) printErr(table);
      }
    };
    tables('statistics');
    if (this.#o.options.histogram) printErr(formatHistogram(stats.total));
    const slos = this.#finalSlos();
    if (slos.length > 0) printErr(formatSloTable(slos));
    tables('verdicts');
    const unawaited = this.#env.unawaitedRequests.summary();
    const excluded = this.#env.measurement.summary();
    this.#names.stop();
    const names = this.#names.summaryLine();
    const failure = this.#o.failure?.();
    const notes = [...(this.#o.summaryNotes?.() ?? []), ...[excluded, unawaited, names, this.#requestLogNote, failure].filter((n): n is string => n !== undefined && n !== '')];
    if (notes.length > 0) printErr(`${notes.join('\n')}\n`);
    // process.stdout writes synchronously to files and pipes on Linux; a bare writeSync(1) can
    // stop short on a non-blocking pipe and lose the end of a large document.
    if (this.#o.options.json) process.stdout.write(`${formatStatsJson(stats)}\n`);
  }
}
