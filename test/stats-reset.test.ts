import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readCsv, startLocusta } from './helpers.ts';

/** Waits until the CLI logs its web UI address and returns it. */
async function webUrl(run: ReturnType<typeof startLocusta>): Promise<string> {
  await run.waitFor(/Starting web interface at \S+/);
  return /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in 15 s');
}

const MODES = [['local'], ['--processes 2']] as const;

describe('a statistics reset judges requests by their start, on workers too', () => {
  it.each(MODES)('no request started before /stats/reset is in the statistics after it, wherever it ends (%s)', async (mode) => {
    // The target answers in 2 s and keeps when each request reached it.
    const arrivals: number[] = [];
    const server = await startServer((_req, res) => {
      arrivals.push(Date.now());
      setTimeout(() => res.end('x'), 2000);
    });
    const prefix = join(tempDir(), 'run');
    const extra = mode === 'local' ? [] : ['--processes', '2', '--master-bind-port', '0'];
    const run = startLocusta([
      '-f', join(FIXTURES, 'in-flight.ts'), '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0',
      '--autostart', '-u', '4', '-r', '100', '-t', '7s', '--autoquit', '0', '-s', '5', '--csv', prefix, ...extra,
    ]);
    const url = await webUrl(run);
    // All four users are inside their first 2 s request: the reset comes while they are in flight,
    // and the next requests start well after it (no start is near the reset).
    await until(() => arrivals.length >= 4);
    await new Promise((r) => setTimeout(r, 300));
    const resetAt = Date.now();
    const reset = await fetch(`${url}/stats/reset`);
    expect(reset.status).toBe(200);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const before = arrivals.filter((t) => t < resetAt).length;
    const after = arrivals.filter((t) => t > resetAt).length;
    expect(before).toBe(4);
    expect(after).toBeGreaterThan(0);
    const stats = readCsv(`${prefix}_stats.csv`);
    const counted = Number(stats.find((row) => row[1] === 'Aggregated')![2]);
    expect(counted).toBe(after);
    expect(r.stderr).toContain(`, ${before} before the statistics were reset`);
  });
});
