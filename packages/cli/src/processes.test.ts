import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { processCount, waitForChildren, withoutProcesses } from './processes.ts';

/** `--processes value` as the CLI reads it; only this helper knows processCount's parameter type. */
function processes(value: unknown): number {
  return processCount(value as Parameters<typeof processCount>[0]);
}

/** The message of the usage error (exit code 2) `value` gives as `--processes`. */
function usageError(value: unknown): string {
  try {
    processes(value);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as CliError).message;
  }
  throw new Error(`accepted --processes ${String(value)}`);
}

/** A child node process that exits with `code` (or kills itself with `signal`). */
function child(code: number, signal?: NodeJS.Signals) {
  const script = signal ? `process.kill(process.pid, '${signal}')` : `process.exit(${code})`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

describe('processCount', () => {
  it('takes a positive whole number, as a number or as text', () => {
    expect(processes(4)).toBe(4);
    expect(processes('2')).toBe(2);
  });

  it('reads -1 as one process per core', () => {
    expect(processes(-1)).toBe(availableParallelism());
  });

  it.each([0, -2, 1.5, 'two', ''])('refuses %j with one line naming --processes and the value', (value) => {
    expect(usageError(value)).toBe(`argument --processes: invalid value '${String(value)}': a positive whole number, or -1 for one per core`);
  });
});

describe('withoutProcesses', () => {
  it('drops --processes and its value, in both spellings, and keeps the rest in order', () => {
    expect(withoutProcesses(['-f', 'a.ts', '--processes', '4', '--worker', '--processes=-1', '-u', '3'])).toEqual(['-f', 'a.ts', '--worker', '-u', '3']);
  });

  it('leaves a command line without --processes as it is', () => {
    const argv = ['-f', 'a.ts', '--headless'];
    expect(withoutProcesses(argv)).toEqual(argv);
  });
});

describe('waitForChildren', () => {
  it('resolves with the highest exit code of the children', async () => {
    expect(await waitForChildren([child(0), child(3), child(1)])).toBe(3);
  });

  it('counts a child killed by a signal as exit code 1', async () => {
    expect(await waitForChildren([child(0), child(0, 'SIGKILL')])).toBe(1);
  });

  it('takes the code of a child that had already exited', async () => {
    const done = child(2);
    await new Promise((resolve) => done.once('exit', resolve));
    expect(await waitForChildren([done])).toBe(2);
  });

  it('is 0 with no children', async () => {
    expect(await waitForChildren([])).toBe(0);
  });
});
