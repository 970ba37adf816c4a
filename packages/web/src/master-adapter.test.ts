import { MasterRunner, WorkerRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { testEnvironment, waitUntil } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ApiUser, postSwarm } from '../test-support/web-fixture.ts';
import { NO_WORKERS } from './routes/swarm.ts';
import { adaptRunner } from './runner-adapter.ts';
import { WebServer } from './web-server.ts';

const env = (nodeId: string) => testEnvironment({ userClasses: [ApiUser], nodeId, host: 'http://127.0.0.1:1' });

describe('WebServer on a master (MasterRunner with an in-process worker)', () => {
  it('lists the workers in /stats/requests and /worker-count, and refuses /swarm without workers', async () => {
    const master = new MasterRunner(env('master'), new RequestStats(), new ExceptionStats(), { bindHost: '127.0.0.1', bindPort: 0, fileHash: 'h' });
    const masterPort = await master.listen();
    const server = new WebServer({ runner: adaptRunner(master), host: '127.0.0.1', port: 0, statsCacheMs: 0 });
    const { port } = await server.listen();
    onTestFinished(async () => {
      await master.quit();
      await server.close();
    });
    const url = `http://127.0.0.1:${port}`;

    const empty = (await (await fetch(`${url}/stats/requests`)).json()) as Record<string, unknown>;
    expect(empty).toMatchObject({ workers: [], worker_count: 0, state: 'ready', user_count: 0 });
    expect(Object.keys(empty).slice(-4)).toEqual(['workers', 'worker_count', 'state', 'user_count']);
    expect(await (await postSwarm(url, { user_count: '2', spawn_rate: '10' })).json()).toEqual({ success: false, message: NO_WORKERS, host: 'http://127.0.0.1:1' });

    const worker = new WorkerRunner(env('w1'), new RequestStats(), new ExceptionStats(), {
      masterHost: '127.0.0.1', masterPort, version: 't', fileHash: 'h', reportIntervalMs: 200,
    });
    const done = worker.run();
    expect(await master.waitForWorkers(1, 10_000)).toBe(true);
    expect(await (await fetch(`${url}/worker-count`)).json()).toEqual({ worker_count: 1 });
    expect(await (await postSwarm(url, { user_count: '3', spawn_rate: '100' })).json()).toMatchObject({ success: true });
    await waitUntil(() => master.state === 'running' && master.stats.total.numRequests > 5);
    // Heartbeats carry the worker's CPU and memory.
    await waitUntil(() => [...master.workers.values()].every((w) => w.memory > 0), 5000);

    const report = (await (await fetch(`${url}/stats/requests`)).json()) as any;
    expect(report.worker_count).toBe(1);
    expect(report.user_count).toBe(3);
    expect(report.workers).toHaveLength(1);
    const w = report.workers[0];
    expect(Object.keys(w)).toEqual(['id', 'state', 'user_count', 'cpu_usage', 'memory_usage']);
    expect(w).toMatchObject({ state: 'running', user_count: 3 });
    expect(typeof w.id).toBe('string');
    expect(w.memory_usage).toBeGreaterThan(0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('\nlocusta_workers 1\n');
    expect(metrics).toContain('\nlocusta_users 3\n');

    expect(await (await fetch(`${url}/stop`)).json()).toEqual({ success: true, message: 'Test stopped' });
    expect(master.state).toBe('stopped');
    await master.quit();
    expect(await done).toBe(0);
  });
});
