import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, readCsv, runLocusta, startLocusta } from './helpers.ts';

describe('a run from start to end', () => {
  it('fires Locust\'s events in order', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', join(FIXTURES, 'events.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '1s']);
    const events = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('EVENT '))
      .map((l) => l.slice(6));
    expect(events[0]).toBe('initCommandLineParser');
    expect(events[1]).toBe('init local');
    const order = ['testStart', 'spawningComplete 2', 'testStopping', 'testStop', 'quitting', 'quit 1'];
    const positions = order.map((e) => events.indexOf(e));
    expect(positions.every((p) => p > 1)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(events).toContain('request');
    expect(events).toContain('userError first task fails');
    expect(r.code).toBe(1);
  });

  it('runs only tagged tasks with -T and drops excluded ones with -E', async () => {
    const server = await startServer();
    await runLocusta(['-f', join(FIXTURES, 'tags.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '1s', '-T', 'read']);
    expect([...server.counts.keys()]).toEqual(['GET /read']);
    const server2 = await startServer();
    await runLocusta(['-f', join(FIXTURES, 'tags.ts'), '-H', server2.url, '--headless', '-u', '2', '-r', '2', '-t', '1s', '-E', 'read']);
    expect([...server2.counts.keys()].sort()).toEqual(['GET /untagged', 'POST /write']);
  });

  it('matches a tag that looks like a number (-T 2024) as text', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', join(FIXTURES, 'numeric-tags.ts'), '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '1s', '-T', '2024']);
    expect([...server.counts.keys()]).toEqual(['GET /2024']);
    expect(r.code).toBe(0);
  });

  it('stops on SIGTERM like Ctrl-C, letting in-flight requests finish with -s', async () => {
    const server = await startServer((req, res) => setTimeout(() => res.end('x'), 100));
    const dir = tempDir();
    const run = startLocusta(['-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--headless', '-u', '5', '-r', '5', '-s', '10', '--csv', join(dir, 't')]);
    await run.waitFor('All users spawned');
    await new Promise((resolve) => setTimeout(resolve, 700));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    const total = Number(readCsv(join(dir, 't_stats.csv')).find((row) => row[1] === 'Aggregated')![2]);
    expect(total).toBe(server.total());
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(total);
  });

  it('exits at once on a second Ctrl-C, still writing the files', async () => {
    // Requests take 120 s and the stop timeout is 100 s: only the second signal can end this run
    // within the test's time limit.
    const server = await startServer(() => undefined);
    const dir = tempDir();
    const run = startLocusta(['-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--headless', '-u', '3', '-r', '3', '-s', '100', '--csv', join(dir, 'd')]);
    await run.waitFor('All users spawned');
    run.child.kill('SIGINT');
    await run.waitFor('Got a stop signal');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.stderr).toContain('Second stop signal');
    expect(r.code).toBe(0);
    for (const f of ['stats', 'stats_history', 'failures', 'exceptions']) expect(existsSync(join(dir, `d_${f}.csv`))).toBe(true);
  });

  it('resets the statistics when spawning completes with --reset-stats', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '1', '-t', '5s', '--reset-stats']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Resetting stats');
    // Requests made during the 3 s ramp were dropped from the final numbers.
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBeLessThan(server.total());
  });
});

describe('-t 0', () => {
  it('means no run time limit, as in Locust', async () => {
    const server = await startServer();
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '0']);
    await run.waitFor('All users spawned');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('No run time limit set');
    expect(r.stderr).not.toContain('--run-time limit reached');
  });
});
