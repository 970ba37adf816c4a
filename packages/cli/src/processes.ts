import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Logger } from '@locusta/core';
import { usageError } from './errors.ts';
import { FORKED_BY_ENV } from './parent-watch.ts';

/** `--processes N`: how many children, `-1` meaning one per core (Locust's rule). */
export function processCount(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1 || n === 0) {
    throw usageError(`argument --processes: invalid value '${String(value)}': a positive whole number, or -1 for one per core`);
  }
  return n === -1 ? availableParallelism() : n;
}

/** Drops `--processes N` (and `--processes=N`) from a command line. */
export function withoutProcesses(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--processes') i++;
    else if (!a.startsWith('--processes=')) out.push(a);
  }
  return out;
}

/**
 * Starts `count` worker processes of this same command. They inherit stderr (their log lines
 * carry their own worker ids) and are killed if this process exits first.
 */
export function forkWorkers(count: number, workerArgs: string[], logger: Logger, env: NodeJS.ProcessEnv = process.env): ChildProcess[] {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...workerArgs], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...env, [FORKED_BY_ENV]: String(process.pid) },
    });
    children.push(child);
  }
  logger.info(`Started ${count} worker processes`);
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  return children;
}

/** Resolves with the highest exit code of the children, as Locust's parent does. */
export function waitForChildren(children: ChildProcess[]): Promise<number> {
  return Promise.all(
    children.map(
      (c) =>
        new Promise<number>((resolve) => {
          if (c.exitCode !== null) resolve(c.exitCode);
          else c.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
        }),
    ),
  ).then((codes) => Math.max(0, ...codes));
}

/** Resolves once every child has exited, or after `ms` (whichever is first). */
export function exitOf(children: ChildProcess[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void waitForChildren(children).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
