import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserClass } from '@locusta/core';
import { Environment, EventHook, LocustaError, addOutput, currentUser, describeError, events, makeOutputs, messageOf, missingTasks, stackOf } from '@locusta/core';
import type { StatsSettings } from '@locusta/stats';
import { ExceptionStats, RequestStats, statsSettings, statsSettingsProblem } from '@locusta/stats';
import type { RawSetting } from './config-file.ts';
import { readConfigFiles } from './config-file.ts';
import { CliError, fileError, usageError } from './errors.ts';
import { TestRun } from './test-run.ts';
import { runInit } from './init.ts';
import { attachLlmStats, llmOutput, llmStatsOf, parseGoodput, readTokenSettings } from '@locusta/llm';
import { checkWebOptions, startWebUi } from './web-ui.ts';
import type { LocalRunner, MasterRunner } from '@locusta/runner';
import type { WebServer } from '@locusta/web';
import type { LoadedFiles } from './load-user-files.ts';
import { loadUserFiles } from './load-user-files.ts';
import { createLogger } from './logger.ts';
import type { OptionName } from './options.ts';
import type { LocustaOptions } from './options.ts';
import { defaultOf, envValue, optionSpec, typedOptions } from './options.ts';
import type { EarlyArgs } from './parse-args.ts';
import { CustomOptionCollector, buildParser, isTrueText, parseEarly, repeatedValues, settingsFromFilesAndEnv } from './parse-args.ts';
import { FROM_MASTER, fetchUserFiles } from '@locusta/runner';
import { clientHealthOf } from './client-health-output.ts';
import { taskRatioJson, taskRatioText } from './task-ratio.ts';
import { validateOptions } from './validate.ts';
import { prepareOutputs } from './output-paths.ts';
import { RequestLog } from './request-log.ts';
import { RequestLogWriter } from './request-log-writer.ts';
import { StepsOutput } from './steps-output.ts';
import { SweepOutput } from './sweep-output.ts';
import { parseNumberOption } from './number-option.ts';
import { localSetup, masterSetup, masterTls, runWorker, workerTls } from './modes.ts';
import { watchParent } from './parent-watch.ts';
import { Watchdog, blockedLimit } from './watchdog.ts';
import { exitOf, forkWorkers, processCount, waitForChildren, withoutProcesses } from './processes.ts';

export interface MainContext {
  /** file: URL of the `locusta` package entry that user files must import. */
  locustaEntry: string;
  version: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * The `locusta` command. Returns the exit code; every expected problem becomes one line on
 * stderr and a non-zero code, never a stack trace.
 */
export async function main(argv: string[], ctx: MainContext): Promise<number> {
  try {
    return await run(argv, ctx);
  } catch (err) {
    if (err instanceof CliError) {
      writeSync(2, `locusta: error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof LocustaError) {
      writeSync(2, `locusta: error: ${err.message}\n`);
      return 1;
    }
    writeSync(2, `locusta: internal error: ${describeError(err)}\n`);
    if (process.env.LOCUSTA_DEBUG) writeSync(2, `${stackOf(err)}\n`);
    return 1;
  }
}

async function run(argv: string[], ctx: MainContext): Promise<number> {
  const cwd = ctx.cwd ?? process.cwd();
  const envVars = ctx.env ?? process.env;
  process.setSourceMapsEnabled(true);
  // `locusta init`: a subcommand, as `k6 new`; Locust's positional words are User class names,
  // and none is called `init` in practice.
  if (argv[0] === 'init') return runInit(argv.slice(1), cwd, out);
  const early = parseEarly(argv);
  if (early.version) {
    // Locust's form, `locust 2.x from <folder> (Python 3.x)`: which copy runs is the question.
    out(`locusta ${ctx.version} from ${packageFolder(ctx.locustaEntry)} (Node ${process.version})`);
    return 0;
  }
  const files = readConfigFiles(cwd, early.config ?? envValue(envVars, optionSpec('config'))?.value);
  // The command line wins over the environment, which wins over the config files.
  const fileSpec =
    early.locustfile ??
    envValue(envVars, optionSpec('locustfile'))?.value ??
    fileSetting(files.get('locustfile'));

  let loaded: LoadedFiles | undefined;
  try {
    const spec = fileSpec === '-' ? await userFilesFromMaster(early, envVars) : fileSpec;
    loaded = await loadUserFiles(spec, { locustaEntry: ctx.locustaEntry, cwd });
  } catch (err) {
    if (!early.help) throw err;
  }

  const custom = new CustomOptionCollector();
  events.initCommandLineParser.fire(custom);
  const { settings, warnings: configWarnings } = settingsFromFilesAndEnv(files, envVars, custom.options);
  const parser = buildParser(argv, custom.options, settings);
  if (early.help) {
    out(await parser.getHelp());
    return 0;
  }
  const args = parser.parseSync() as Record<string, unknown> & { _: Array<string | number> };
  if (!loaded) throw fileError('no user file loaded');
  // What user files read as `environment.parsedOptions`: every key yargs gives (long names,
  // camelCase, short flags, custom options). The CLI itself reads the typed `options`.
  const { _: positional, $0: _script, ...parsed } = args as Record<string, unknown> & { _: unknown[]; $0?: unknown };
  const slos = repeatedValues(argv, 'slo');
  if (slos.length > 0) parsed.slo = slos;
  const options = typedOptions(parsed);
  applyStatsSettings(options);
  if (options.goodput !== undefined) {
    try {
      parseGoodput(options.goodput);
    } catch (err) {
      throw usageError(`argument --goodput: ${messageOf(err)}`);
    }
  }
  // The tokenizer file and the dataset are read now: a bad one stops the run before a request.
  try {
    readTokenSettings(parsed);
  } catch (err) {
    throw usageError(messageOf(err));
  }
  const runSettings = validateOptions(options);
  if (!options.headless && !options.worker) checkWebOptions(options);

  if (options.list) {
    // Every class, whatever the names given: Locust's --list ignores them.
    if (loaded.userClasses.length === 0) throw fileError(NO_USER_CLASS);
    out(['Available Users:', ...loaded.userClasses.map((c) => `    ${c.name}`)].join('\n'));
    return 0;
  }
  const classes = selectClasses(loaded.userClasses, classNames(positional.map(String), envVars), options.equalWeights);
  if (options.showTaskRatio) {
    out(taskRatioText(classes, options.users));
    return 0;
  }
  if (options.showTaskRatioJson) {
    out(taskRatioJson(classes, options.users));
    return 0;
  }

  // A worker runs the classes its master checked, with the master's tags.
  if (!options.worker) {
    const problem = missingTasks(classes, options.tags, options.excludeTags);
    if (problem) throw fileError(problem);
  }
  const paths = prepareOutputs(options, runSettings);
  // Files and counts read later, checked now: a usage error comes before the first log line.
  const processes = options.processes === undefined ? undefined : processCount(options.processes);
  if (options.worker) workerTls(options);
  else masterTls(options);

  const log = createLogger({ loglevel: options.loglevel, logfile: options.logfile });
  const mainLog = log.named('locusta.main');
  for (const warning of configWarnings) mainLog.warn(warning);
  const stopWatchingParent = watchParent(mainLog, envVars);
  const limit = blockedLimit(envVars);
  const watchdog = limit > 0 ? new Watchdog(limit) : undefined;
  let unhandled = false;
  EventHook.onListenerError = (err, hook) => {
    unhandled = true;
    mainLog.error(`Uncaught error in ${hook} event listener: ${describeError(err)}`);
  };

  const environment = new Environment({
    userClasses: classes,
    host: runSettings.host,
    parsedOptions: parsed,
    stopTimeout: runSettings.stopTimeout,
    tags: options.tags,
    excludeTags: options.excludeTags,
    logger: log.named('locusta.runners'),
    nodeId: 'local',
    profile: options.profile,
  });
  // A worker takes its window from its master's spawn messages instead.
  environment.measurement.configure({
    warmup: runSettings.warmup,
    cooldown: runSettings.cooldown,
    runTime: runSettings.runTime,
    warmupRequests: runSettings.warmupRequests,
  });
  const isWorker = options.worker;
  // The output families, in the order of every output: the LLM metrics, the steps (judged on
  // the master), then those the user files registered. Made now, so that a family's factory that
  // throws or a name used twice is a user-file error before anything starts.
  const steps = new StepsOutput();
  addOutput(environment, llmOutput(llmStatsOf(environment)));
  const sweep = new SweepOutput();
  if (!isWorker) addOutput(environment, steps);
  if (!isWorker && runSettings.sweep) addOutput(environment, sweep);
  // The load generator's own CPU and loop lag, sampled where the users run (a master merges).
  const clientHealth = clientHealthOf(environment, { worker: isWorker, master: options.master || (!isWorker && processes !== undefined), logger: mainLog });
  steps.clientLimitedBetween = (t0, t1) => clientHealth.clientLimitedBetween(t0, t1);
  sweep.clientLimitedBetween = steps.clientLimitedBetween;
  // The requests log: a worker sends its lines to the master, which (or a local run) writes them.
  const requestLog = isWorker ? new RequestLog(environment, undefined) : requestLogOf(environment, paths.requestsLog);
  if (requestLog) addOutput(environment, requestLog);
  makeOutputs(environment);
  // An error that escaped user code (a throw in a callback, a rejection nothing awaits) is a
  // task error: it joins the exceptions table (and so reaches the master from a worker), the run
  // goes on, and the exit code is --exit-code-on-error. Node's default would end the process.
  let uncaught = false;
  const onUncaught = (err: unknown) => {
    uncaught = true;
    const user = currentUser();
    // One class: the pool does not track the current user (see UserPool), the class is known.
    const who = user?.constructor.name ?? (classes.length === 1 ? classes[0]!.name : 'User code');
    mainLog.error(`${who}: uncaught error outside a task's promise chain (a callback, or a promise nothing awaits): ${describeError(err)}`);
    environment.events.userError.fire({ userInstance: user, exception: err, tb: stackOf(err) });
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  // A worker gets its host from the master, with the spawn message.
  for (const cls of isWorker ? [] : classes) {
    const problem = cls.checkConfig?.(environment);
    if (problem) throw usageError(`${cls.name}: ${problem}`);
  }
  const fixed = classes.reduce((s, c) => s + (c.fixedCount || 0), 0);
  if (fixed > runSettings.users) {
    mainLog.warn(`Total fixed_count of User classes (${fixed}) is greater than the specified number of users (${runSettings.users}), so not all will be spawned.`);
  }

  mainLog.info(`Starting Locusta ${ctx.version}`);
  // Loaded only with --otel: the SDK is large, and a run without it does not pay for it.
  const otel = options.otel ? await import('./otel.ts') : undefined;
  const stopOtel = otel?.startOtel(environment, ctx.version);
  try {
    if (isWorker && processes !== undefined) {
      // The parent only forks the workers and waits for them (Locust's --processes with --worker).
      const children = forkWorkers(processes, withoutProcesses(argv), mainLog);
      let signals = 0;
      const onSignal = () => {
        if (++signals > 1) for (const c of children) c.kill('SIGKILL');
        else for (const c of children) c.kill('SIGTERM');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      return await waitForChildren(children);
    }
    if (isWorker) {
      // A `-f -` worker runs the master's own files: it says so instead of hashing the bundle.
      const fileHash = fileSpec === '-' ? FROM_MASTER : loaded.hash;
      // Also makes the output families user files registered (attachOutputs).
      attachLlmStats(environment, { role: 'worker' });
      return await runWorker(environment, new RequestStats(), new ExceptionStats(), { options, fileHash, version: ctx.version, log });
    }
    const ui = !options.headless;
    const stats = new RequestStats({ windowedEntries: options.csvFullHistory });
    const exceptions = new ExceptionStats();
    const asMaster = options.master || processes !== undefined;
    // Its workers are its own children on this machine: nothing else needs to reach it.
    const forked = processes === undefined ? undefined : { expectWorkers: processes, masterBindHost: '127.0.0.1' };
    // User files see the master's settings in parsedOptions too (under the camelCase keys).
    if (forked) Object.assign(parsed, forked);
    const setup = asMaster
      ? await masterSetup(environment, stats, exceptions, { options: { ...options, ...forked }, fileHash: loaded.hash, logger: mainLog, files: loaded.files })
      : localSetup(environment, stats, exceptions);
    attachLlmStats(environment, { role: asMaster ? 'master' : 'local', goodput: options.goodput });
    let children: ChildProcess[] | undefined;
    if (forked) {
      // Without --worker, this process is the master of its forked workers.
      children = forkWorkers(forked.expectWorkers, [
        '-f', loaded.files.join(','), '--worker',
        '--master-host', forked.masterBindHost,
        '--master-port', String(setup.port),
        '-L', options.loglevel,
        ...(options.otel ? ['--otel'] : []),
      ], mainLog, options.masterToken ? { ...process.env, LOCUSTA_MASTER_TOKEN: options.masterToken } : process.env);
    }
    const ShapeClass = loaded.shapeClasses[0];
    if (ShapeClass && (runSettings.arrivals || runSettings.steps || runSettings.sweep)) {
      throw usageError(`${ShapeClass.name} sets the load: it cannot be combined with --arrival-rate, --step-users or --sweep`);
    }
    if (ShapeClass) {
      mainLog.info(`Using the load shape ${ShapeClass.name}`);
      const given = Object.entries({ '--users': options.users, '--spawn-rate': options.spawnRate, '--run-time': options.runTime })
        .filter(([, value]) => value !== undefined)
        .map(([flag]) => flag);
      if (given.length > 0 && !ShapeClass.useCommonOptions) {
        mainLog.warn(`${ShapeClass.name} sets the load: ${given.join(', ')} ignored (set static useCommonOptions = true in the shape to read them)`);
      }
    }
    const startsAtOnce = !ui || options.autostart;
    if (startsAtOnce && !ShapeClass && !runSettings.arrivals && !runSettings.steps && runSettings.users === 0) {
      mainLog.warn('-u 0: no user will be started, so the test makes no request');
    }
    const testRun = new TestRun(environment, stats, exceptions, {
      runner: setup.runner,
      shape: ShapeClass ? new ShapeClass() : undefined,
      beforeStart: setup.beforeStart,
      summaryNotes: setup.summaryNotes,
      failure: setup.failure,
      userFiles: loaded.files,
      settings: runSettings,
      options,
      paths,
      steps,
      sweep,
      requestLog,
      logger: mainLog,
      hadUnhandledError: () => unhandled,
      hadUncaughtError: () => uncaught,
      watchdog,
      ui: ui ? { autostart: options.autostart, autoquit: options.autoquit } : undefined,
      afterQuit: async (): Promise<void> => web?.close(),
    });
    setup.connect(testRun);
    const web: WebServer | undefined = ui
      ? await startWebUi({
          runner: setup.runner as LocalRunner | MasterRunner,
          run: testRun,
          options,
          settings: runSettings,
          custom: custom.options,
          configured: Boolean(ShapeClass || runSettings.arrivals || runSettings.steps || runSettings.sweep),
          userFiles: loaded.files,
          version: ctx.version,
          log,
        })
      : undefined;
    await environment.events.init.fireAsync({ environment, runner: environment.runner });
    const code = await testRun.run();
    // With --otel the forked workers export their own spans as they quit; this process's exit
    // kills the children still running, so it waits for them, for at most the exporter's timeout.
    if (children && otel) await exitOf(children, otel.exportTimeoutMs() + 2000);
    return code;
  } finally {
    // Exports the spans and metrics still buffered before the process exits.
    await stopOtel?.().catch((err: unknown) => mainLog.warn(`OpenTelemetry shutdown failed: ${describeError(err)}`));
    stopWatchingParent();
    watchdog?.stop();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
}

/** `--requests-log`'s family, with its file opened now (so that it fails as a usage error, before the run). */
function requestLogOf(environment: Environment, file: string | undefined): RequestLog | undefined {
  if (file === undefined) return undefined;
  try {
    return new RequestLog(environment, new RequestLogWriter(file));
  } catch (err) {
    throw usageError(`argument --requests-log: cannot write '${file}': ${messageOf(err)}`);
  }
}

/** `-f -`: a worker fetches the master's bundled user files and loads them from a temp folder. */
async function userFilesFromMaster(early: EarlyArgs, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = (name: OptionName) => envValue(env, optionSpec(name))?.value;
  if (!process.argv.includes('--worker') && !isTrueText(fromEnv('worker') ?? '')) {
    throw usageError("'-f -' (user files from the master) needs --worker");
  }
  const files = await fetchUserFiles({
    masterHost: early.masterHost ?? fromEnv('master-host') ?? defaultOf('master-host'),
    masterPort: parseNumberOption({ name: 'master-port' }, early.masterPort ?? fromEnv('master-port') ?? defaultOf('master-port')),
    token: early.masterToken ?? fromEnv('master-token'),
    tls: workerTls({
      masterTls: early.masterTls || isTrueText(fromEnv('master-tls') ?? ''),
      masterTlsCa: early.masterTlsCa ?? fromEnv('master-tls-ca'),
    }),
    nodeId: 'user-files-request',
  }).catch((err: Error) => {
    throw fileError(err.message);
  });
  const dir = mkdtempSync(join(tmpdir(), 'locusta-files-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const f of files) writeFileSync(join(dir, basename(f.name)), f.contents);
  return files.map((f) => join(dir, basename(f.name))).join(',');
}

/** The locusta package's folder, from its entry's URL (`.../locusta/dist/index.js`). */
function packageFolder(entry: string): string {
  const path = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
  return dirname(dirname(path));
}

/**
 * The statistics settings: a user file's (`stats.PERCENTILES_TO_REPORT = [...]`, checked as
 * Locust's validate_stats_configuration does: a user-file error), then the command line's.
 */
function applyStatsSettings(options: LocustaOptions): void {
  const fromFile = statsSettingsProblem();
  if (fromFile) throw fileError(`stats settings: ${fromFile}`);
  const given: Array<[string, keyof StatsSettings, unknown]> = [
    ['--console-interval', 'CONSOLE_STATS_INTERVAL_SEC', options.consoleInterval],
    ['--csv-interval', 'CSV_STATS_INTERVAL_SEC', options.csvInterval],
    ['--history-interval', 'HISTORY_STATS_INTERVAL_SEC', options.historyInterval],
    ['--current-window', 'CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW', options.currentWindow],
  ];
  if (options.percentiles !== undefined) {
    const text = options.percentiles.trim();
    const list = text === '' ? [] : text.split(/[\s,]+/).map(Number);
    if (list.some(Number.isNaN)) throw usageError(`argument --percentiles: '${options.percentiles}' is not a list of fractions, e.g. 0.5,0.95,0.99`);
    given.push(['--percentiles', 'PERCENTILES_TO_REPORT', list]);
  }
  for (const [flag, key, value] of given) {
    if (value === undefined) continue;
    const trial = { ...statsSettings, [key]: value };
    const problem = statsSettingsProblem(trial);
    if (problem) throw usageError(`argument ${flag}: ${problem.replace(/^[A-Z_]+:? ?/, '')}`);
    Object.assign(statsSettings, { [key]: value });
  }
}

const NO_USER_CLASS = 'No User class found! Make sure your user file exports a class that extends User or HttpUser';

/** The class names to run: the command line's, else LOCUST(A)_USER_CLASSES split on spaces, as Locust does. */
function classNames(positional: string[], env: NodeJS.ProcessEnv): string[] {
  if (positional.length > 0) return positional;
  const fromEnv = env['LOCUSTA_USER_CLASSES'] || env['LOCUST_USER_CLASSES'] || '';
  return fromEnv.split(/\s+/).filter(Boolean);
}

/** A config file's `locustfile`, when it is text. */
function fileSetting(setting: RawSetting | undefined): string | undefined {
  return setting && typeof setting.value === 'string' && !setting.bare ? setting.value : undefined;
}

/** The classes to run: all, or those named on the command line (Locust's positional names). */
function selectClasses(all: UserClass[], names: string[], equalWeights: boolean): UserClass[] {
  if (all.length === 0) throw fileError(NO_USER_CLASS);
  let chosen = all;
  if (names.length > 0) {
    const unknown = names.filter((n) => !all.some((c) => c.name === n));
    if (unknown.length > 0) throw fileError(`Unknown User(s): ${unknown.join(', ')}`);
    chosen = all.filter((c) => names.includes(c.name));
  }
  if (equalWeights) for (const c of chosen) c.weight = 1;
  const weighted = chosen.filter((c) => c.fixedCount || c.weight > 0);
  if (weighted.length === 0) throw fileError('There are no users with weight > 0.');
  return weighted;
}
