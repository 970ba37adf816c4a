import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, readCsv, startLocusta } from './helpers.ts';

/** A target whose latency grows with the square of the requests in flight: 10 ms × n². */
async function congestedServer() {
  let inFlight = 0;
  return startServer((_req, res) => {
    inFlight++;
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, 10 * inFlight * inFlight);
  });
}

/** A target that slows down as it serves: 2 ms more for every request so far. */
async function slowingServer() {
  let served = 0;
  return startServer((_req, res) => void setTimeout(() => res.end('ok'), 2 * ++served));
}

describe('the saturation search (--step-users, --step-time, --slo)', () => {
  it.each([['local'], ['distributed']])('finds the step at which p99 passes the SLO (%s)', async (mode) => {
    const server = await congestedServer();
    const dir = tempDir();
    const common = [
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-r', '100', '-u', '20',
      '--step-users', '3', '--step-time', mode === 'local' ? '3s' : '7s', '--step-settle', mode === 'local' ? '1' : '3',
      '--slo', 'p99<600', '--csv', join(dir, 'run'), '-s', '5',
    ];
    const r = await (mode === 'local' ? startLocusta(common) : startLocusta([...common, '--processes', '2', '--master-bind-port', '0'])).done;
    // At 10 ms × n² for n requests in flight, 3 users see ~90 ms, 6 ~360 ms and 9 ~810 ms.
    expect(r.stderr).toMatch(/Saturation: p99<600 first failed at 9 users \(last passing step: 6 users\)/);
    expect(r.stderr).toContain('Saturation found at step 3 (9 users), shutting down');
    const steps = readCsv(join(dir, 'run_steps.csv'));
    expect(steps[0]).toEqual(['Step', 'User Count', 'Start Time', 'End Time', 'Requests', 'Failures', 'Requests/s', '50%', '95%', '99%', 'Failure Ratio', 'Result', 'Failed SLOs']);
    expect(steps.slice(1).map((row) => [row[1], row[11]])).toEqual([['3', 'PASS'], ['6', 'PASS'], ['9', 'FAIL']]);
    expect(steps[3]![12]).toBe('p99<600');
    // The saturation run is a finding, not a failure: exit code 0, totals still exact.
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });
});

describe('SLOs', () => {
  it('lists each SLO with its value and exits with code 3 when one fails', async () => {
    const server = await congestedServer();
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '100', '-t', '3', '--slo', 'p50<10', '--slo', 'fail_ratio<0.01;requests>5']).done;
    expect(r.stderr).toMatch(/p50<10 +\d+ ms FAIL/);
    expect(r.stderr).toMatch(/fail_ratio<0\.01 +0\.0000 PASS/);
    expect(r.stderr).toMatch(/requests>5 +\d+ PASS/);
    expect(r.stderr).toContain('SLOs failed: 1 of 3');
    expect(r.code).toBe(3);
  });

  it('--slo-abort stops the run at the first failed check', async () => {
    const server = await congestedServer();
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '100', '-t', '60', '--slo', 'p95<5', '--slo-abort']).done;
    expect(r.stderr).toMatch(/SLO p95<5 failed \(\d+ ms\), stopping the run \(--slo-abort\)/);
    expect(r.code).toBe(3);
  });

  it('refuses a bad SLO with a one-line usage error', async () => {
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', 'http://127.0.0.1:1', '--headless', '--slo', 'p99 ~ 3']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('argument --slo: invalid SLO');
  });
});

describe('arrival-rate mode (--arrival-rate)', () => {
  it.each([['local'], ['distributed']])('keeps its rate while the target slows down and reports corrected latency (%s)', async (mode) => {
    const server = await slowingServer();
    const dir = tempDir();
    const common = [
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '--arrival-rate', '40', '-u', '200', '-t', '4',
      '-s', '10', '--csv', join(dir, 'run'), '--arrival-spacing', 'poisson', '--seed', '7',
    ];
    const r = await (mode === 'local' ? startLocusta(common) : startLocusta([...common, '--processes', '2', '--master-bind-port', '0'])).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Poisson arrivals with --seed 7');
    // A closed model's rate would fall as the target slows (from 2 ms to ~300 ms a request);
    // the arrivals keep coming: about 40/s for 4 s (a Poisson count, so within a wide margin).
    const served = server.total();
    expect(served).toBeGreaterThan(100);
    expect(served).toBeLessThan(220);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(served);
    expect(r.stderr).toMatch(/Schedule: \d+ tasks started on schedule, 0 arrivals dropped/);
    expect(r.stderr).toContain('Corrected for coordinated omission');
    const corrected = readCsv(join(dir, 'run_stats_corrected.csv'));
    expect(corrected.at(-1)![1]).toBe('Aggregated');
    expect(Number(corrected.at(-1)![2])).toBe(served);
    const schedule = readCsv(join(dir, 'run_schedule.csv'));
    expect(schedule[0]).toEqual(['Iterations', 'Dropped', 'Lag 50%', 'Lag 90%', 'Lag 99%', 'Lag 99.9%', 'Lag Max']);
    expect(Number(schedule[1]![0])).toBe(served);
  });

  it('counts the arrivals it had to drop for lack of users', async () => {
    const server = await startServer((_req, res) => void setTimeout(() => res.end('ok'), 300));
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '--arrival-rate', '50', '-u', '2', '-t', '2', '-s', '2']).done;
    const dropped = Number(/(\d+) arrivals dropped/.exec(r.stderr)?.[1]);
    expect(dropped).toBeGreaterThan(40);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });
});
