import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, readCsv, runLocusta } from './helpers.ts';

/** The Aggregated request count of a _stats.csv. */
function csvTotal(file: string): number {
  return Number(readCsv(file).find((row) => row[1] === 'Aggregated')![2]);
}

describe('errors of user code outside the task promise chain', () => {
  const cases = [
    { cls: 'TimerThrowUser', message: 'thrown in a timer callback' },
    { cls: 'FloatingRejectionUser', message: 'rejected and never awaited' },
  ];
  for (const mode of ['local', 'processes'] as const) {
    for (const { cls, message } of cases) {
      it(`${mode}: ${cls} is counted in the exceptions table, the run goes on, exit code 1`, async () => {
        const server = await startServer();
        const dir = tempDir();
        const common = ['-f', join(FIXTURES, 'uncaught.ts'), cls, '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '5', '--csv', join(dir, 'r')];
        const r = await runLocusta(mode === 'local' ? common : [...common, '--processes', '2', '--master-bind-port', '0']);
        expect(r.stderr).not.toContain('Node.js v');
        expect(r.stderr).toContain(`${cls}: uncaught`);
        expect(r.code).toBe(1);
        const rows = readCsv(join(dir, 'r_exceptions.csv'));
        const row = rows.find((x) => x[1] === message);
        expect(row, rows.join('\n')).toBeDefined();
        expect(Number(row![0])).toBe(2);
        // The users went on after the error: several requests each, all counted.
        const total = csvTotal(join(dir, 'r_stats.csv'));
        expect(total).toBe(server.total());
        expect(total).toBeGreaterThan(4);
        expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(total);
      });
    }
  }
});

describe('errors escaping user code with several user classes', () => {
  it('are blamed on the class whose user started the failing code', async () => {
    const server = await startServer();
    const dir = tempDir();
    const r = await runLocusta(['-f', join(FIXTURES, 'uncaught.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '4', '-t', '2s', '-s', '5', '--csv', join(dir, 'r')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TimerThrowUser: uncaught .*thrown in a timer callback/);
    expect(r.stderr).toMatch(/FloatingRejectionUser: uncaught .*rejected and never awaited/);
    const messages = readCsv(join(dir, 'r_exceptions.csv')).map((row) => row[1]);
    expect(messages).toContain('thrown in a timer callback');
    expect(messages).toContain('rejected and never awaited');
  });
});

describe('a request a task did not await', () => {
  it('is warned about once, naming the task, and counted in the summary', async () => {
    // The server holds /forgotten for 200 ms, so the task always returns before its response.
    const server = await startServer((req, res) => (req.url === '/forgotten' ? setTimeout(() => res.end('late'), 200) : res.end('ok')));
    const r = await runLocusta(['-f', join(FIXTURES, 'missing-await.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s']);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('still in flight when the task returned'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ForgetfulUser.browse');
    const m = /(\d+) requests were still in flight when their task returned/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    // A request started just before the stop may still be connecting when the users are killed,
    // and never reach the server: one for each of the two users at most.
    expect(Number(m![1])).toBeLessThanOrEqual((server.counts.get('GET /forgotten') ?? 0) + 2);
    expect(r.stderr).not.toContain('careful: ');
  });

  it('found on workers, is counted in the master\'s summary', async () => {
    const server = await startServer((req, res) => (req.url === '/forgotten' ? setTimeout(() => res.end('late'), 200) : res.end('ok')));
    const r = await runLocusta(['-f', join(FIXTURES, 'missing-await.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s', '--processes', '2', '--master-bind-port', '0']);
    // The summary is the master's: the workers' finds reached it with their reports.
    const summary = r.stderr.slice(r.stderr.lastIndexOf('Response time percentiles'));
    const m = /(\d+) requests were still in flight when their task returned \(a missing await in ForgetfulUser\.browse\)/.exec(summary);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThanOrEqual((server.counts.get('GET /forgotten') ?? 0) + 2);
  });
});

describe('a task that blocks the event loop', () => {
  it('is named by the watchdog, which writes the summary and ends the process', async () => {
    const server = await startServer();
    const dir = tempDir();
    const r = await runLocusta(['-f', join(FIXTURES, 'blocking.ts'), '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '2s', '--csv', join(dir, 'b')], {
      env: { LOCUSTA_BLOCKED_LIMIT: '2' },
    });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stderr).toMatch(/locusta: error: the event loop has been blocked for \d+ s.*BlockingUser\.spin/);
    expect(server.total()).toBe(5);
    expect(csvTotal(join(dir, 'b_stats.csv'))).toBe(5);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(5);
  }, 30_000);
});
