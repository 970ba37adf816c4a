import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, finalSummary, readCsv, startLocusta } from './helpers.ts';
import type { Lab } from './netns.ts';
import { canUseNetns, createLab } from './netns.ts';

const PORT = 5557;

/** The target server on its own host; its request count is read from a file. */
async function startTarget(lab: Lab, dir: string, delayMs = 10) {
  const countFile = join(dir, 'count');
  const child = spawn(lab.prefix('target')[0]!, [...lab.prefix('target').slice(1), process.execPath, join(FIXTURES, 'count-server.mjs'), lab.address('target'), '8080', countFile, String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return {
    url: `http://${lab.address('target')}:8080`,
    count: () => Number(readFileSync(countFile, 'utf8') || 0),
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

function master(lab: Lab, target: string, extra: string[]) {
  return startLocusta(
    ['-f', join(FIXTURES, 'slow.ts'), '-H', target, '--master', '--master-bind-host', lab.address('master'), '--master-bind-port', String(PORT), '--headless', ...extra],
    { prefix: lab.prefix('master') },
  );
}

function worker(lab: Lab, host: string) {
  return startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-host', lab.address('master'), '--master-port', String(PORT)], {
    prefix: lab.prefix(host),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canUseNetns())('master and workers on separate hosts (network namespaces)', () => {
  it('runs across hosts, and the master totals equal the target\'s count', async () => {
    const lab = createLab(['master', 'w1', 'w2', 'target']);
    const dir = tempDir();
    const target = await startTarget(lab, dir);
    const m = master(lab, target.url, ['--expect-workers', '2', '-u', '6', '-r', '6', '-t', '3s', '-s', '5', '--csv', join(dir, 'r')]);
    await m.waitFor('Master listening');
    const w = [worker(lab, 'w1'), worker(lab, 'w2')];
    const r = await m.done;
    expect(r.code).toBe(0);
    await target.stop();
    const total = Number(readCsv(join(dir, 'r_stats.csv')).find((row) => row[1] === 'Aggregated')![2]);
    expect(total).toBeGreaterThan(0);
    expect(total).toBe(target.count());
    for (const x of w) expect((await x.done).code).toBe(0);
  });

  it('survives a worker killed with SIGKILL: its users move, the loss is reported', async () => {
    const lab = createLab(['master', 'w1', 'w2', 'target']);
    const target = await startTarget(lab, tempDir());
    const m = master(lab, target.url, ['--expect-workers', '2', '-u', '4', '-r', '4', '-t', '5s', '-s', '3']);
    await m.waitFor('Master listening');
    const w1 = worker(lab, 'w1');
    const w2 = worker(lab, 'w2');
    await m.waitFor('All users spawned');
    w1.child.kill('SIGKILL');
    const r = await m.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Worker \S+ is missing/);
    expect(r.stderr).toMatch(/Lost worker \S+ at /);
    expect(r.stderr.match(/All users spawned: \{"SlowUser": 4\}/g)!.length).toBeGreaterThanOrEqual(2);
    await target.stop();
    // Only the killed worker's last unreported interval can be missing from the master's totals.
    const total = finalSummary(r.stderr).get('Aggregated')!.requests;
    expect(total).toBeLessThanOrEqual(target.count());
    expect(total).toBeGreaterThan(0);
    expect((await w2.done).code).toBe(0);
  });

  it('marks a worker behind a cut link missing, moves its users, and takes it back when the link returns', async () => {
    const lab = createLab(['master', 'w1', 'w2', 'target']);
    const target = await startTarget(lab, tempDir());
    const m = master(lab, target.url, ['--expect-workers', '2', '-u', '4', '-r', '4', '-t', '40s', '-s', '3']);
    await m.waitFor('Master listening');
    const w1 = worker(lab, 'w1');
    const w2 = worker(lab, 'w2');
    await m.waitFor('All users spawned');
    lab.link('w1', false);
    // Missing after Locust's liveness of 3 missed heartbeats, as the log line says.
    await m.waitFor(/Worker \S+ is missing \(no heartbeat for 4 s\)/);
    await w1.waitFor('No word from the master');
    const spawnedBefore = m.output().stderr.match(/All users spawned/g)!.length;
    lab.link('w1', true);
    await m.waitFor(/Worker \S+ reconnected/);
    // After the rejoin the users are spread over both workers again.
    while (m.output().stderr.match(/All users spawned/g)!.length < spawnedBefore + 1) await sleep(200);
    m.child.kill('SIGINT');
    const r = await m.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/All users spawned: \{"SlowUser": 4\} \(4 total users\)/);
    for (const x of [w1, w2]) expect((await x.done).code).toBe(0);
  });

  it('stops the workers\' users when the master is killed, and they rejoin a new master', async () => {
    const lab = createLab(['master', 'w1', 'w2', 'target']);
    const target = await startTarget(lab, tempDir());
    const first = master(lab, target.url, ['--expect-workers', '2', '-u', '4', '-r', '4', '-t', '60s']);
    await first.waitFor('Master listening');
    const w = [worker(lab, 'w1'), worker(lab, 'w2')];
    await first.waitFor('All users spawned');
    first.child.kill('SIGKILL');
    await Promise.all(w.map((x) => x.waitFor('Lost the connection to the master: stopping users')));
    await sleep(500);
    const quiet = target.count();
    await sleep(1500);
    expect(target.count()).toBe(quiet);
    const second = master(lab, target.url, ['--expect-workers', '2', '-u', '4', '-r', '4', '-t', '2s', '-s', '3']);
    const r = await second.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 4} (4 total users)');
    await target.stop();
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.count() - quiet);
    for (const x of w) expect((await x.done).code).toBe(0);
  });
});
