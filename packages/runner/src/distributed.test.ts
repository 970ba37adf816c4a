import { Environment, Events, User, constant, task } from '@locusta/core';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MasterRunner } from './master-runner.ts';
import { WorkerRunner } from './worker-runner.ts';

/** Each user fires request events with known response times: 1..50 ms, one a task. */
class Fixed extends User {
  static override weight = 1;
  waitTime = constant(0.005);
  n = 0;
  @task t() {
    this.n = (this.n % 50) + 1;
    this.environment.events.request.fire({ requestType: 'GET', name: `/e${this.n % 5}`, responseTime: this.n, responseLength: 10 });
  }
}

function env(nodeId: string) {
  return new Environment({ events: new Events(), userClasses: [Fixed as never], nodeId, stopTimeout: 1 });
}

describe('MasterRunner with WorkerRunners (in process, over loopback WebSockets)', () => {
  it('spreads users over workers and merges their statistics exactly', async () => {
    const masterEnv = env('master');
    const master = new MasterRunner(masterEnv, new RequestStats(), new ExceptionStats(), { bindHost: '127.0.0.1', bindPort: 0, fileHash: 'h' });
    const port = await master.listen();
    onTestFinished(() => master.close());
    // Every request any worker records, to compare with what the master merged.
    const truth = new RequestStats();
    const workers = [1, 2, 3].map(() => {
      const e = env('w');
      e.events.request.addListener((r) => truth.logRequest(r.requestType, r.name, r.responseTime, r.responseLength));
      return new WorkerRunner(e, new RequestStats(), new ExceptionStats(), {
        masterHost: '127.0.0.1',
        masterPort: port,
        version: 't',
        fileHash: 'h',
        reportIntervalMs: 200,
      });
    });
    const done = workers.map((w) => w.run());
    expect(await master.waitForWorkers(3, 10_000)).toBe(true);
    await master.start(7, 100);
    expect(master.userCount).toBe(7);
    expect([...master.workers.values()].map((w) => w.userCount).sort()).toEqual([2, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await master.quit();
    expect(await Promise.all(done)).toEqual([0, 0, 0]);
    const merged = master.stats;
    expect(merged.total.numRequests).toBe(truth.total.numRequests);
    expect(merged.total.numRequests).toBeGreaterThan(0);
    expect(merged.total.minResponseTime).toBe(truth.total.minResponseTime);
    expect(merged.total.maxResponseTime).toBe(truth.total.maxResponseTime);
    expect(merged.total.totalResponseTime).toBeCloseTo(truth.total.totalResponseTime, 6);
    for (const p of [0.5, 0.9, 0.99, 0.999]) {
      expect(merged.total.getResponseTimePercentile(p)).toBe(truth.total.getResponseTimePercentile(p));
    }
    expect(merged.entries().map((e) => [e.name, e.numRequests])).toEqual(truth.entries().map((e) => [e.name, e.numRequests]));
  });
});

describe('arrival-rate mode over workers', () => {
  it('splits the arrivals across workers and merges schedule and corrected statistics exactly', async () => {
    class Arrival extends User {
      @task t() {
        this.environment.events.request.fire({ requestType: 'GET', name: '/a', responseTime: 2, responseLength: 1, scheduleLag: this.scheduleLag });
      }
    }
    const mk = (nodeId: string) => new Environment({ events: new Events(), userClasses: [Arrival as never], nodeId, stopTimeout: 1 });
    const master = new MasterRunner(mk('master'), new RequestStats(), new ExceptionStats(), { bindHost: '127.0.0.1', bindPort: 0, fileHash: 'h' });
    const port = await master.listen();
    onTestFinished(() => master.close());
    const started = [0, 0, 0];
    const truth = new RequestStats();
    const workers = [0, 1, 2].map((i) => {
      const e = mk(`w${i}`);
      e.events.request.addListener((r) => {
        started[i]!++;
        truth.logScheduled(r.requestType, r.name, r.responseTime, r.responseLength, r.scheduleLag!);
      });
      return new WorkerRunner(e, new RequestStats(), new ExceptionStats(), { masterHost: '127.0.0.1', masterPort: port, version: 't', fileHash: 'h', reportIntervalMs: 200 });
    });
    const done = workers.map((w) => w.run());
    expect(await master.waitForWorkers(3, 10_000)).toBe(true);
    // Users enough for a second of arrivals at once: a worker whose event loop stalls (a loaded
    // machine) takes the arrivals it missed together, and with too few users it would drop them.
    await master.startArrivals({ rate: 300, stages: [], spacing: 'poisson', seed: 3 }, 300);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await master.quit();
    expect(await Promise.all(done)).toEqual([0, 0, 0]);
    // Every worker took about a third of the arrivals.
    const total = started.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(60);
    for (const n of started) expect(n).toBeGreaterThan(total / 6);
    const merged = master.stats;
    expect(merged.total.numRequests).toBe(total);
    expect(merged.schedule.iterations).toBe(total);
    expect(merged.schedule.dropped).toBe(0);
    expect(merged.corrected!.total.numRequests).toBe(total);
    expect(merged.corrected!.total.maxResponseTime).toBeCloseTo(truth.corrected!.total.maxResponseTime, 6);
    expect(merged.corrected!.total.getResponseTimePercentile(0.99)).toBe(truth.corrected!.total.getResponseTimePercentile(0.99));
  });
});

describe('a lost worker', () => {
  it('is reported with what it may have lost (the report interval), and the last one stops the test through onStopTest', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const masterEnv = new Environment({ events: new Events(), userClasses: [Fixed as never], nodeId: 'master', stopTimeout: 1, logger });
    const master = new MasterRunner(masterEnv, new RequestStats(), new ExceptionStats(), {
      bindHost: '127.0.0.1',
      bindPort: 0,
      fileHash: 'h',
      reportIntervalMs: 500,
    });
    const port = await master.listen();
    onTestFinished(() => master.close());
    const stopped = new Promise<string>((resolve) => (master.onStopTest = resolve));
    const worker = new WorkerRunner(env('w'), new RequestStats(), new ExceptionStats(), { masterHost: '127.0.0.1', masterPort: port, version: 't', fileHash: 'h', reportIntervalMs: 500 });
    void worker.run();
    expect(await master.waitForWorkers(1, 10_000)).toBe(true);
    await master.start(1, 100);
    // The worker's connection drops without a goodbye.
    for (const w of master.workers.values()) w.ws?.terminate();
    expect(await stopped).toBe('The last worker went missing, stopping test.');
    expect(warnings.find((w) => w.includes('is missing'))).toMatch(/is missing \(its connection closed\); what it had not reported yet \(at most its last 0\.5 s\) is lost$/);
    await worker.quit();
  });
});
