import { Environment, Events, User, constantPacing, sleep, task } from '@locusta/core';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import type { ArrivalPlan } from './arrival-schedule.ts';
import { expectedArrivals } from './arrival-schedule.ts';
import { LocalRunner } from './local-runner.ts';

function setup(classes: Array<typeof User>) {
  const events = new Events();
  const env = new Environment({ events, userClasses: classes as never, stopTimeout: 0 });
  const stats = new RequestStats();
  const runner = new LocalRunner(env, stats, new ExceptionStats());
  return { env, events, stats, runner };
}

const plan = (rate: number): ArrivalPlan => ({ rate, stages: [], spacing: 'even', seed: 1 });

/** A "server" whose service time grows with every call, to show the arrivals don't slow down with it. */
function slowingService(stepMs: number) {
  let calls = 0;
  return () => sleep((++calls * stepMs) / 1000);
}

async function runFor(runner: LocalRunner, p: ArrivalPlan, maxUsers: number, ms: number): Promise<number> {
  const t0 = performance.now();
  await runner.startArrivals(p, maxUsers);
  await sleep(ms / 1000);
  // Arrivals due by now have been handed out: the elapsed time bounds how many the plan made.
  const elapsed = (performance.now() - t0) / 1000;
  await runner.quit();
  return elapsed;
}

describe('arrival-rate mode', () => {
  it('starts iterations at the rate while the service slows down', async () => {
    const service = slowingService(4);
    let started = 0;
    let busy = 0;
    let peak = 0;
    class U extends User {
      @task async t() {
        started++;
        peak = Math.max(peak, ++busy);
        const t0 = performance.now();
        await service();
        busy--;
        this.environment.events.request.fire({
          requestType: 'GET',
          name: '/slow',
          responseTime: performance.now() - t0,
          responseLength: 0,
          scheduleLag: this.scheduleLag,
        });
      }
    }
    const { runner, stats } = setup([U]);
    const elapsed = await runFor(runner, plan(100), 1000, 800);
    // A closed model would slow down with the service; the open one starts what the plan says.
    const due = expectedArrivals(plan(100), elapsed);
    expect(started).toBeGreaterThanOrEqual(Math.floor(due) - 2);
    expect(started).toBeLessThanOrEqual(Math.ceil(due) + 1);
    expect(stats.schedule.dropped).toBe(0);
    expect(stats.schedule.iterations).toBe(started);
    // Users were started on demand as the service slowed: many were busy at once.
    expect(peak).toBeGreaterThan(5);
    expect(stats.corrected?.total.numRequests).toBe(stats.total.numRequests);
  });

  it('drops arrivals that find no free user, and counts them', async () => {
    let started = 0;
    class U extends User {
      @task async t() {
        started++;
        await sleep(10);
      }
    }
    const { runner, stats } = setup([U]);
    const elapsed = await runFor(runner, plan(50), 3, 500);
    expect(started).toBe(3);
    expect(stats.schedule.dropped).toBeGreaterThan(10);
    const due = expectedArrivals(plan(50), elapsed);
    expect(started + stats.schedule.dropped).toBeGreaterThanOrEqual(Math.floor(due) - 2);
    expect(started + stats.schedule.dropped).toBeLessThanOrEqual(Math.ceil(due) + 1);
  });

  it('corrects response times by the lag of their task: onStart delays the first arrival', async () => {
    class U extends User {
      override async onStart() {
        await sleep(0.1);
      }
      @task t() {
        this.environment.events.request.fire({ requestType: 'GET', name: '/x', responseTime: 1, responseLength: 0, scheduleLag: this.scheduleLag });
      }
    }
    const { runner, stats } = setup([U]);
    await runFor(runner, plan(20), 1, 400);
    expect(stats.total.numRequests).toBeGreaterThan(0);
    expect(stats.total.maxResponseTime).toBe(1);
    // The first task waited for onStart (100 ms) after its intended start.
    expect(stats.corrected!.total.maxResponseTime).toBeGreaterThanOrEqual(100);
    expect(stats.schedule.maxLag).toBeGreaterThanOrEqual(99);
    // With one user busy for 100 ms at 20/s, the arrivals during onStart were dropped.
    expect(stats.schedule.dropped).toBeGreaterThan(0);
  });

  it('records the lag of constantPacing users when a task overruns the pace', async () => {
    let runs = 0;
    class U extends User {
      waitTime = constantPacing(0.05);
      @task async t() {
        // The second task overruns the 50 ms pace by about 100 ms: the third one starts late.
        if (++runs === 2) await sleep(0.15);
        this.environment.events.request.fire({ requestType: 'GET', name: '/p', responseTime: 1, responseLength: 0, scheduleLag: this.scheduleLag });
      }
    }
    const { runner, stats } = setup([U]);
    await runner.start(1, 100);
    await sleep(0.4);
    await runner.quit();
    expect(runs).toBeGreaterThan(3);
    expect(stats.schedule.maxLag).toBeGreaterThanOrEqual(99);
    expect(stats.corrected!.total.maxResponseTime).toBeGreaterThanOrEqual(100);
    // The plain response times keep Locust's meaning.
    expect(stats.total.maxResponseTime).toBe(1);
  });
});
