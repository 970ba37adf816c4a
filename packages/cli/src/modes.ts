import type { Environment, Logger } from '@locusta/core';
import { messageOf } from '@locusta/core';
import { LocalRunner, MasterRunner, WorkerRunner } from '@locusta/runner';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { formatUtcSeconds } from '@locusta/stats';
import { readFileSync } from 'node:fs';
import { fileError, usageError } from './errors.ts';
import type { TestRun, TestRunOptions } from './test-run.ts';
import { bundleForTransfer } from './load-user-files.ts';
import type { LocustaOptions } from './options.ts';
import type { RootLogger } from './logger.ts';
import { isLoopback } from '@locusta/web';

type RunnerSetup = Pick<TestRunOptions, 'runner' | 'beforeStart' | 'summaryNotes' | 'failure'> & {
  /** Wires the runner's own reasons to stop to the run, once it exists. */
  connect(run: TestRun): void;
  /** The port a master listens on. */
  port?: number;
};

/** A local run: users in this process. */
export function localSetup(env: Environment, stats: RequestStats, exceptions: ExceptionStats): RunnerSetup {
  const runner = new LocalRunner(env, stats, exceptions);
  return {
    runner,
    connect(run) {
      runner.onStopTest = (reason) => void run.fail(`StopTest raised (${reason}), shutting down`);
    },
  };
}

/**
 * A master: listens for workers, waits for `--expect-workers` of them (at most
 * `--expect-workers-max-wait` seconds), then drives them; ends the run when the last one is gone.
 */
export async function masterSetup(
  env: Environment,
  stats: RequestStats,
  exceptions: ExceptionStats,
  o: { options: LocustaOptions; fileHash: string; logger: Logger; files: string[] },
): Promise<RunnerSetup> {
  const bindHost = o.options.masterBindHost;
  const master = new MasterRunner(env, stats, exceptions, {
    bindHost,
    bindPort: o.options.masterBindPort,
    token: o.options.masterToken || undefined,
    fileHash: o.fileHash,
    allowMismatchedUserFiles: o.options.allowMismatchedUserFiles,
    userFiles: () => bundleForTransfer(o.files),
    tls: masterTls(o.options),
  });
  let port: number;
  try {
    port = await master.listen();
  } catch (err) {
    throw fileError(`The master could not listen on ${bindHost}:${o.options.masterBindPort}: ${(err as NodeJS.ErrnoException).code ?? messageOf(err)}`);
  }
  const shown = bindHost === '*' || bindHost === '' ? '0.0.0.0' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  o.logger.info(`Master listening for workers on ${shown}:${port}`);
  if (!o.options.masterToken && !isLoopback(bindHost)) {
    o.logger.warn(
      `The master on ${shown}:${port} can be reached from other machines and has no --master-token: anyone who reaches it can join as a worker, receive the user files (-f -) and send statistics`,
    );
  }
  const expect = o.options.expectWorkers;
  const maxWait = o.options.expectWorkersMaxWait;
  return {
    runner: master,
    port,
    async beforeStart() {
      const ok = await master.waitForWorkers(expect, maxWait * 1000, (n) =>
        o.logger.info(`Waiting for workers to be ready, ${n} of ${expect} connected`),
      );
      if (!ok) o.logger.error('Gave up waiting for workers to connect');
      return ok;
    },
    summaryNotes: () => [
      ...master.lostWorkers.map(
        (w) => `Lost worker ${w.id} at ${formatUtcSeconds(w.at)} (${w.reason}): what it had not reported yet is not in these numbers`,
      ),
      ...master.refusedWorkers.map((w) => `Refused worker ${w.id} (${w.peer}): ${w.reason}`),
    ],
    failure: () => {
      // Refused workers and none accepted: the run measured nothing, whatever else happened.
      if (master.everJoined || master.refusedWorkers.length === 0) return undefined;
      const mismatched = master.refusedWorkers.filter((w) => w.mismatchedFile).length;
      const others = master.refusedWorkers.length - mismatched;
      const parts = [
        ...(mismatched > 0 ? [`${mismatched} refused for running a different user file`] : []),
        ...(others > 0 ? [`${others} refused for another protocol version`] : []),
      ];
      return `No compatible worker joined the run: ${parts.join(', ')}`;
    },
    connect(run) {
      master.onStopTest = (reason) => void run.fail(reason);
    },
  };
}

/** A worker: runs users for a master until told to quit; resolves with the exit code. */
export async function runWorker(
  env: Environment,
  stats: RequestStats,
  exceptions: ExceptionStats,
  o: { options: LocustaOptions; fileHash: string; version: string; log: RootLogger },
): Promise<number> {
  const worker = new WorkerRunner(env, stats, exceptions, {
    masterHost: o.options.masterHost,
    masterPort: o.options.masterPort,
    token: o.options.masterToken || undefined,
    tls: workerTls(o.options),
    // Locust's MASTER_HEARTBEAT_TIMEOUT (60 s); the environment variable shortens it for tests.
    masterTimeoutMs: Number(process.env.LOCUSTA_MASTER_TIMEOUT ?? 60) * 1000,
    version: o.version,
    fileHash: o.fileHash,
    logIntervalMs: process.env.LOCUSTA_WORKER_LOG_INTERVAL ? Number(process.env.LOCUSTA_WORKER_LOG_INTERVAL) * 1000 : undefined,
  });
  // Every line this worker logs also goes to the master's /logs.
  o.log.tap((line) => worker.recordLog(line));
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) void worker.quit();
    else process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await env.events.init.fireAsync({ environment: env, runner: worker });
  try {
    return await worker.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw usageError(`argument ${flag}: cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** `--tls-cert` and `--tls-key` on a master: both or neither. */
export function masterTls(options: Pick<LocustaOptions, 'tlsCert' | 'tlsKey'>): { cert: Buffer; key: Buffer } | undefined {
  const cert = options.tlsCert;
  const key = options.tlsKey;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw usageError('--tls-cert and --tls-key go together');
  return { cert: readPem(cert, '--tls-cert'), key: readPem(key, '--tls-key') };
}

/** `--master-tls` / `--master-tls-ca` on a worker. */
export function workerTls(options: Pick<LocustaOptions, 'masterTls' | 'masterTlsCa'>): { ca?: Buffer } | undefined {
  const ca = options.masterTlsCa;
  if (ca) return { ca: readPem(ca, '--master-tls-ca') };
  return options.masterTls ? {} : undefined;
}
