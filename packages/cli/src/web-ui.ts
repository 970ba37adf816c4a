import { readFileSync } from 'node:fs';
import type { Logger } from '@locusta/core';
import { messageOf } from '@locusta/core';
import type { LocalRunner } from '@locusta/runner';
import { MasterRunner } from '@locusta/runner';
import { outputsOf } from '@locusta/core';
import type { WebCustomOption } from '@locusta/web';
import { LogBuffer, WebServer, adaptRunner, applyStartOptions, normalizeBasePath } from '@locusta/web';
import { usageError } from './errors.ts';
import type { TestRun } from './test-run.ts';
import type { RootLogger } from './logger.ts';
import type { CustomOption } from './parse-args.ts';
import type { LocustaOptions } from './options.ts';
import type { RunSettings } from './validate.ts';

export interface WebUiOptions {
  runner: LocalRunner | MasterRunner;
  run: TestRun;
  options: LocustaOptions;
  settings: RunSettings;
  custom: readonly CustomOption[];
  /** The run is set by a shape, steps or arrivals: the UI's start runs that instead of -u/-r. */
  configured: boolean;
  userFiles: string[];
  version: string;
  log: RootLogger;
}

/** The user file's custom options as the start form shows them, with this run's values. */
function customFields(custom: readonly CustomOption[], parsed: Readonly<Record<string, unknown>>): WebCustomOption[] {
  return custom
    .filter((c) => !c.options.hidden)
    .map((c) => ({
      name: c.name,
      default: parsed[c.name] ?? c.options.default,
      help: typeof c.options.describe === 'string' ? c.options.describe : undefined,
      type: (c.options.type as WebCustomOption['type']) ?? 'string',
      choices: c.options.choices as WebCustomOption['choices'],
    }));
}

function tlsOf(options: LocustaOptions): { cert: Buffer; key: Buffer } | undefined {
  const cert = options.tlsCert;
  const key = options.tlsKey;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw usageError('--tls-cert and --tls-key go together');
  try {
    return { cert: readFileSync(String(cert)), key: readFileSync(String(key)) };
  } catch (err) {
    throw usageError(`cannot read the TLS certificate or key: ${messageOf(err)}`);
  }
}

/** Checks the web UI's options before anything starts; each problem is a one-line usage error. */
export function checkWebOptions(options: LocustaOptions): void {
  const auth = options.webAuth;
  if (auth !== undefined && !/^[^:]+:.+$/.test(String(auth))) throw usageError("argument --web-auth: expected 'user:password'");
  if (options.webLogin && auth === undefined) throw usageError('--web-login needs --web-auth user:password: the credentials its login page checks');
  try {
    normalizeBasePath(options.webBasePath);
  } catch (err) {
    throw usageError(`argument --web-base-path: ${messageOf(err)}`);
  }
  if (options.autoquit >= 0 && !options.autostart) {
    throw usageError('--autoquit is only meaningful in combination with --autostart');
  }
}

/** A master's workers' log lines for `/logs`; a local run has none. */
function workerLogsOf(runner: LocalRunner | MasterRunner): (() => Record<string, string[]>) | undefined {
  return runner instanceof MasterRunner ? () => Object.fromEntries(runner.workerLogs) : undefined;
}

/**
 * Serves the web UI and Locust's REST API around the runner. Tests start from the UI's form
 * (or at once with --autostart); the process ends on a signal, on the UI's quit, or with
 * --autoquit, and writes every output then, as a headless run does.
 */
export async function startWebUi(o: WebUiOptions): Promise<WebServer> {
  const { options, settings, run } = o;
  const logs = new LogBuffer();
  o.log.tap((line) => logs.push(line));
  const logger: Logger = o.log.named('locusta.web');
  const base = adaptRunner(o.runner);
  const env = o.runner.environment;
  const web = new WebServer({
    runner: o.configured
      ? {
          ...base,
          // A shape, the steps or the arrivals set the load: the form's numbers do not apply.
          async start(users, spawnRate, startOptions) {
            applyStartOptions(env, users, spawnRate, startOptions);
            await run.begin();
          },
        }
      : base,
    host: options.webHost,
    port: options.webPort,
    basePath: normalizeBasePath(options.webBasePath),
    auth: options.webAuth,
    login: options.webLogin,
    tls: tlsOf(options),
    logger,
    logs,
    workerLogs: workerLogsOf(o.runner),
    classPicker: options.classPicker ? env.userClasses.map((c) => c.name) : undefined,
    htmlReport: () => run.htmlReport(),
    // Read before any start from the UI has changed them: the values of this run's command line.
    customOptions: customFields(o.custom, env.parsedOptions),
    defaults: {
      users: options.users === undefined ? undefined : settings.users,
      spawnRate: options.spawnRate === undefined ? undefined : settings.spawnRate,
      runTime: options.runTime,
      host: settings.host,
      profile: options.profile,
    },
    userFile: o.userFiles.map((f) => f.split('/').pop()).join(','),
    version: o.version,
    onQuitRequested: () => void run.shutdown('Quit requested from the web UI, shutting down'),
    // The output families (the LLM token metrics, user ones): a tab each once it has rows, and
    // their families on /metrics.
    outputs: () => outputsOf(env),
  });
  try {
    const { url } = await web.listen();
    logger.info(`Starting web interface at ${url}`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw usageError(
      e.code === 'EADDRINUSE'
        ? `the web UI port ${options.webPort} is in use (choose another with --web-port)`
        : `cannot start the web UI: ${e.message}`,
    );
  }
  return web;
}
