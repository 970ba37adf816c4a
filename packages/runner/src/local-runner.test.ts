import { Environment, Events, User, constant, task } from '@locusta/core';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from './local-runner.ts';

function setup(classes: Array<typeof User>, stopTimeout = 0) {
  const events = new Events();
  const env = new Environment({ events, userClasses: classes as never, stopTimeout });
  const stats = new RequestStats();
  const runner = new LocalRunner(env, stats, new ExceptionStats());
  return { env, events, stats, runner };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('LocalRunner', () => {
  it('spawns users by weight, reports spawning complete, and ramps down', async () => {
    class A extends User {
      static override weight = 3;
      waitTime = constant(100);
      @task t() {}
    }
    class B extends User {
      waitTime = constant(100);
      @task t() {}
    }
    const { runner, events } = setup([A, B]);
    const completed: number[] = [];
    events.spawningComplete.addListener(({ userCount }) => completed.push(userCount));
    await runner.start(8, 100);
    expect(runner.userClassesCount()).toEqual({ A: 6, B: 2 });
    expect(completed).toEqual([8]);
    await runner.start(4, 100);
    expect(runner.userCount).toBe(4);
    expect(runner.userClassesCount()).toEqual({ A: 3, B: 1 });
    await runner.quit();
    expect(runner.userCount).toBe(0);
    expect(runner.state).toBe('stopped');
  });

  it('records request events into the stats only while the test runs', async () => {
    class R extends User {
      waitTime = constant(100);
      @task t() {
        this.environment.events.request.fire({ requestType: 'GET', name: '/x', responseTime: 5, responseLength: 2 });
      }
    }
    const { runner, stats, events } = setup([R]);
    await runner.start(3, 100);
    expect(stats.total.numRequests).toBe(3);
    await runner.quit();
    events.request.fire({ requestType: 'GET', name: '/late', responseTime: 1, responseLength: 0 });
    expect(stats.total.numRequests).toBe(3);
  });

  it('without a stop timeout, kills running users at once', async () => {
    const g = gate();
    const state: string[] = [];
    class Busy extends User {
      @task async t() {
        state.push('first');
        await g.promise;
        state.push('second');
      }
    }
    const { runner } = setup([Busy], 0);
    await runner.start(1, 1);
    await runner.stop();
    expect(runner.userCount).toBe(0);
    expect(state).toEqual(['first']);
    g.open();
  });

  it('with a stop timeout, lets a running user finish its task, then runs onStop', async () => {
    const g = gate();
    const log: string[] = [];
    class Busy extends User {
      waitTime = constant(100);
      @task async t() {
        log.push('task');
        await g.promise;
        log.push('task done');
      }
      override onStop() {
        log.push('onStop');
      }
    }
    const { runner } = setup([Busy], 30);
    await runner.start(1, 1);
    const stopped = runner.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['task']);
    g.open();
    await stopped;
    expect(log).toEqual(['task', 'task done', 'onStop']);
  });

  it('stops waiting users at once even with a stop timeout', async () => {
    class Sleeper extends User {
      waitTime = constant(1000);
      @task t() {}
    }
    const { runner } = setup([Sleeper], 1000);
    await runner.start(5, 100);
    // Resolving at all (within the test timeout) shows the 1000 s timeout was not waited for.
    await runner.stop();
    expect(runner.userCount).toBe(0);
  });

  it('delivers custom messages locally', async () => {
    const { runner } = setup([]);
    const got: unknown[] = [];
    runner.registerMessage('hello', (msg) => got.push([msg.type, msg.data, msg.nodeId]));
    runner.sendMessage('hello', { a: 1 });
    expect(got).toEqual([['hello', { a: 1 }, 'local']]);
    expect(() => runner.registerMessage('hello', () => undefined)).toThrow(/already had a listener/);
  });
});
