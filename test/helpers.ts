import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'packages/locusta/bin/locusta.js');
export const FIXTURES = join(ROOT, 'test/fixtures');

// Loopback servers, free ports and temporary folders come from @locusta/test-support.

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves once stderr contains `text`. */
  waitFor(text: string | RegExp): Promise<void>;
  done: Promise<RunResult>;
}

/** Starts the real `locusta` CLI; it is killed when the test ends if still running. */
export function startLocusta(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string[] } = {}): Running {
  // `prefix` runs the CLI through another command, e.g. `ip netns exec <ns>` for a test host.
  const [cmd, ...cmdArgs] = [...(options.prefix ?? []), process.execPath, BIN, ...args];
  const child = spawn(cmd!, cmdArgs, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ test: string | RegExp; resolve: () => void }> = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      if (typeof w.test === 'string' ? stderr.includes(w.test) : w.test.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor(test) {
      if (typeof test === 'string' ? stderr.includes(test) : test.test(stderr)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void done.then(() => reject(new Error(`locusta exited before printing ${String(test)}\n${stderr}`)));
      });
    },
    done,
  };
}

export function runLocusta(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return startLocusta(args, options).done;
}

/** Parses a CSV file as Python's csv module writes it (quoted fields may hold newlines). */
export function readCsv(path: string): string[][] {
  const text = readFileSync(path, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cur);
      rows.push(row);
      row = [];
      cur = '';
    } else cur += ch;
  }
  if (cur || row.length) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

/** The rows of the last stats table printed (the final summary), keyed by name. */
export function finalSummary(stderr: string): Map<string, { requests: number; failures: number }> {
  // The last table with a '# fails |' column; percentile and other tables follow it.
  const header = stderr.lastIndexOf('# fails |');
  const start = stderr.lastIndexOf('Type     Name', header);
  const pct = stderr.indexOf('Response time percentiles', start);
  const table = stderr.slice(start, pct > 0 ? pct : stderr.length);
  const rows = new Map<string, { requests: number; failures: number }>();
  for (const line of table.split('\n')) {
    const m = /^(\S*)\s+(\S.*?)\s+(\d+)\s+(\d+)\(\s*[\d.]+%\)\s+\|/.exec(line);
    if (m) rows.set(m[1] ? `${m[1]} ${m[2]}` : m[2]!, { requests: Number(m[3]), failures: Number(m[4]) });
  }
  return rows;
}
