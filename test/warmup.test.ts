import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, readCsv, runLocusta } from './helpers.ts';

/**
 * A server that makes each user's requests straddle the window's bounds, with a second or more
 * of margin on each side, so no assertion depends on the machine's speed. Times are from the
 * first request it receives (t0, just after the test start):
 * - `/first` (each user's first request, started in the 2 s warm-up) is held until 3 s and fails;
 * - `/steady` requests follow from 3 s on (after the warm-up); one arriving after 4.5 s is held
 *   until 7.5 s, ending inside the cool-down (from 7 s of a 9 s run), and sends the user on to
 * - `/last`, every one of which starts in the cool-down.
 * Counted must be exactly the `/steady` requests, whichever phase they ended in.
 */
async function phaseServer() {
  let t0: number | undefined;
  const answer = (res: ServerResponse, afterMs: number, next: string, status = 200) => {
    setTimeout(() => {
      res.writeHead(status, { 'x-next': next });
      res.end('x');
    }, Math.max(0, afterMs));
  };
  return startServer((req, res) => {
    const now = Date.now();
    t0 ??= now;
    const at = now - t0;
    if (req.url === '/first') answer(res, 3000 - at, '/steady', 500);
    else if (req.url === '/steady') answer(res, at > 4500 ? 7500 - at : 20, at > 4500 ? '/last' : '/steady');
    else answer(res, 20, '/last');
  });
}

const WINDOW = ['--warmup', '2s', '--cooldown', '2s', '-t', '9s', '-s', '5', '--headless', '-u', '4', '-r', '100', '--csv-full-history'];

async function runPhases(extra: string[]) {
  const server = await phaseServer();
  const dir = tempDir();
  const prefix = join(dir, 'run');
  const r = await runLocusta(['-f', join(FIXTURES, 'phases.ts'), '-H', server.url, ...WINDOW, '--csv', prefix, '--html', `${prefix}.html`, ...extra]);
  const count = (path: string) => server.counts.get(`GET ${path}`) ?? 0;
  return { r, prefix, first: count('/first'), steady: count('/steady'), last: count('/last') };
}

function checkRun(run: Awaited<ReturnType<typeof runPhases>>): void {
  const { r, prefix, first, steady, last } = run;
  // Every user sent a request in each phase, or the run proves nothing.
  expect(first).toBe(4);
  expect(steady).toBeGreaterThan(4);
  expect(last).toBeGreaterThan(0);
  // The /first failures were left out with their requests: nothing failed.
  expect(r.code, r.stderr).toBe(0);
  const stats = readCsv(`${prefix}_stats.csv`);
  expect(stats.slice(1).map((row) => row[1])).toEqual(['/steady', 'Aggregated']);
  expect(Number(stats.find((row) => row[1] === '/steady')![2])).toBe(steady);
  expect(Number(stats.find((row) => row[1] === 'Aggregated')![3])).toBe(0);
  expect(readCsv(`${prefix}_failures.csv`).slice(1)).toEqual([]);
  const historyNames = new Set(readCsv(`${prefix}_stats_history.csv`).slice(1).map((row) => row[3]));
  expect(historyNames.has('/first')).toBe(false);
  expect(historyNames.has('/last')).toBe(false);
  const summary = finalSummary(r.stderr);
  expect(summary.get('Aggregated')).toEqual({ requests: steady, failures: 0 });
  const line = `Excluded ${first} requests started during warm-up, ${last} during cool-down`;
  expect(r.stderr).toContain(`${line}\n`);
  expect(readFileSync(`${prefix}.html`, 'utf8')).toContain(line);
}

describe('--warmup and --cooldown judge requests by when they started', () => {
  it('locally: requests started in the warm-up or the cool-down are in no result, whenever they end', async () => {
    checkRun(await runPhases([]));
  });

  it('with --processes 2: each worker judges its own requests, the master adds up what they left out', async () => {
    const run = await runPhases(['--processes', '2', '--master-bind-port', '0']);
    expect(run.r.stderr).toContain('2 workers connected');
    checkRun(run);
  });

  it.each([['locally', []], ['with --processes 2', ['--processes', '2', '--master-bind-port', '0']]])('--reset-stats %s: a request in flight at the reset is not recorded when it ends', async (_mode, extra) => {
    // Four users at two a second: the reset (spawning complete, 1 s or more in) comes while the
    // held /first requests of the first two are in flight; the last ones may start on either side.
    const server = await phaseServer();
    const prefix = join(tempDir(), 'run');
    const r = await runLocusta([
      '-f', join(FIXTURES, 'phases.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '2', '-t', '4s', '-s', '5', '--reset-stats', '--csv', prefix, ...extra,
    ]);
    expect(server.counts.get('GET /first')).toBe(4);
    const stats = readCsv(`${prefix}_stats.csv`);
    const counted = Number(stats.find((row) => row[1] === '/first')?.[2] ?? 0);
    const excluded = Number(/Excluded 0 requests started during warm-up, 0 during cool-down, (\d+) before the statistics were reset/.exec(r.stderr)?.[1]);
    expect(excluded).toBeGreaterThanOrEqual(2);
    expect(counted + excluded).toBe(4);
    expect(Number(stats.find((row) => row[1] === '/steady')![2])).toBe(server.counts.get('GET /steady'));
  });

  it.each([
    ['locally', [], 10],
    ['with --processes 2 (each worker leaves out its half)', ['--processes', '2', '--master-bind-port', '0'], 5],
  ])('--warmup 10req %s: the first 10 requests to start are in no result, however late they end', async (_mode, extra, perProcess) => {
    // The /early requests are held well past the start of the /late ones, so they end after them.
    const server = await startServer((req, res) => setTimeout(() => res.end('x'), req.url!.startsWith('/early') ? 1500 : 10));
    const prefix = join(tempDir(), 'run');
    const r = await runLocusta(
      ['-f', join(FIXTURES, 'counted.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '100', '-t', '4s', '-s', '5', '--warmup', '10req', '--csv', prefix, ...extra],
      { env: { ...process.env, EARLY_REQUESTS: String(perProcess) } },
    );
    expect(r.code, r.stderr).toBe(0);
    const early = [...server.counts].filter(([key]) => key.startsWith('GET /early')).reduce((a, [, n]) => a + n, 0);
    const late = server.counts.get('GET /late') ?? 0;
    expect(early).toBe(10);
    expect(late).toBeGreaterThan(10);
    const stats = readCsv(`${prefix}_stats.csv`);
    expect(stats.slice(1).map((row) => row[1])).toEqual(['/late', 'Aggregated']);
    expect(Number(stats.find((row) => row[1] === '/late')![2])).toBe(late);
    expect(r.stderr).toContain('Excluded 10 requests started during warm-up, 0 during cool-down\n');
  });

  it.each([
    ['a warm-up not shorter than the run', ['--warmup', '1m', '-t', '30s'], "argument --warmup: --warmup '1m' is not shorter than -t/--run-time '30s': no request would be measured"],
    ['a cool-down without a run time', ['--cooldown', '10s'], "argument --cooldown: '10s' needs -t/--run-time: the cool-down is counted back from the end of a timed run"],
    ['neither a time span nor a count', ['--warmup', '100r'], "argument --warmup: Invalid time span format. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc."],
    ['a count that is not whole', ['--warmup', '1.5req'], "argument --warmup: '1.5req' is not a count of requests (a whole number followed by req, e.g. 200req)"],
    ['a count without its number', ['--warmup', 'req'], "argument --warmup: 'req' is not a count of requests (a whole number followed by req, e.g. 200req)"],
  ])('%s is one usage error line, exit code 2', async (_case, args, message) => {
    const r = await runLocusta(['-f', join(FIXTURES, 'phases.ts'), '-H', 'http://127.0.0.1:1', '--headless', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`locusta: error: ${message}\n`);
  });
});
