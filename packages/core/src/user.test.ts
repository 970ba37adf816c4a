import { describe, expect, it } from 'vitest';
import { Environment } from './environment.ts';
import { RescheduleTask, RescheduleTaskImmediately, StopUser } from './errors.ts';
import { Events } from './events.ts';
import { task } from './task.ts';
import { SequentialTaskSet, TaskSet } from './task-set.ts';
import { User } from './user.ts';
import { between, constant, constantPacing, constantThroughput, poisson } from './wait-time.ts';
import { parseTimespan } from './timespan.ts';

const env = () => new Environment({ events: new Events() });

describe('User task loop', () => {
  it('runs onStart, tasks, and onStop when a task throws StopUser', async () => {
    const log: string[] = [];
    class U extends User {
      n = 0;
      override onStart() {
        log.push('start');
      }
      @task run1() {
        log.push(`task${++this.n}`);
        if (this.n === 3) throw new StopUser();
      }
      override onStop() {
        log.push('stop');
      }
    }
    await new U(env()).run();
    expect(log).toEqual(['start', 'task1', 'task2', 'task3', 'stop']);
  });

  it('reports task errors through userError and carries on', async () => {
    const e = env();
    const errors: unknown[] = [];
    e.events.userError.addListener(({ exception }) => errors.push(exception));
    class U extends User {
      n = 0;
      @task t() {
        this.n++;
        if (this.n === 1) throw new TypeError('boom');
        if (this.n === 2) throw new RescheduleTask();
        if (this.n === 3) throw new RescheduleTaskImmediately();
        throw new StopUser();
      }
    }
    const u = new U(e);
    await u.run();
    expect(u.n).toBe(4);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('runs a nested TaskSet until interrupt, then returns to the parent', async () => {
    const log: string[] = [];
    class Inner extends TaskSet {
      n = 0;
      override onStart() {
        log.push('inner-start');
      }
      @task t() {
        log.push('inner');
        if (++this.n === 2) this.interrupt();
      }
      override onStop() {
        log.push('inner-stop');
      }
    }
    class U extends User {
      static override tasks = [Inner];
      calls = 0;
      waitTime() {
        if (++this.calls === 2) throw new StopUser();
        return 0;
      }
    }
    await new U(env()).run();
    // The interrupt reschedules at once, so the parent picks Inner again: a fresh instance, whose
    // first wait (the user's second) stops the user and runs Inner's onStop.
    expect(log).toEqual(['inner-start', 'inner', 'inner', 'inner-stop', 'inner-start', 'inner', 'inner-stop']);
  });

  it('runs SequentialTaskSet tasks in order, weights repeating', async () => {
    const log: string[] = [];
    class Seq extends SequentialTaskSet {
      @task(2) a() {
        log.push('a');
      }
      @task b() {
        log.push('b');
        if (log.length >= 6) throw new StopUser();
      }
    }
    class U extends User {
      static override tasks = [Seq];
    }
    await new U(env()).run();
    expect(log).toEqual(['a', 'a', 'b', 'a', 'a', 'b']);
  });

  it('stops a waiting user at once and lets a running user finish its task', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log: string[] = [];
    class Waiter extends User {
      waitTime = constant(1000);
      @task t() {
        log.push('w');
      }
    }
    class Runner extends User {
      waitTime = constant(1000);
      @task async t() {
        await gate;
        log.push('r-done');
      }
    }
    const w = new Waiter(env());
    const r = new Runner(env());
    const wDone = w.run();
    const rDone = r.run();
    await new Promise((res) => setImmediate(res));
    w.stop();
    r.stop();
    await wDone;
    expect(w.state).toBe('stopped');
    expect(r.state).toBe('stopping');
    release();
    await rDone;
    expect(log).toEqual(['w', 'r-done']);
  });

  it('yields to the event loop at a zero wait after a task that awaited no I/O', async () => {
    let tasks = 0;
    let timerFired = false;
    class Busy extends User {
      @task spin() {
        tasks++;
        if (timerFired) throw new StopUser();
      }
    }
    setTimeout(() => (timerFired = true), 1);
    // Without a yield between tasks the timer could never fire and the user would never stop.
    await new Busy(env()).run();
    expect(timerFired).toBe(true);
    expect(tasks).toBeGreaterThan(1);
  });
});

describe('wait times', () => {
  it('between stays in range and constant is constant', () => {
    const b = between(1, 3);
    for (let i = 0; i < 100; i++) {
      const v = b.call(undefined);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(3);
    }
    expect(constant(2).call(undefined)).toBe(2);
  });
  it('constantPacing subtracts the task time from the wait', () => {
    const pace = constantPacing(10);
    const first = pace.call(undefined);
    expect(first).toBeLessThanOrEqual(10);
    expect(first).toBeGreaterThan(9.9);
    expect(constantThroughput(4).call(undefined)).toBeLessThanOrEqual(0.25);
  });
  it('poisson gives exponential waits with mean 1/rate, repeatable with a seeded generator', () => {
    let seed = 42;
    const seeded = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const waits = Array.from({ length: 20_000 }, poisson(4, seeded));
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(Math.abs(mean - 0.25)).toBeLessThan(0.01);
    // An exponential distribution has its median at ln(2)/rate.
    const median = [...waits].sort((a, b) => a - b)[waits.length / 2]!;
    expect(Math.abs(median - Math.LN2 / 4)).toBeLessThan(0.01);
    seed = 42;
    expect(Array.from({ length: 3 }, poisson(4, seeded))).toEqual(waits.slice(0, 3));
    expect(() => poisson(0)).toThrow(RangeError);
  });
  it('takes the bounds of between in either order and a pacing of 0, as Locust does', () => {
    const b = between(5, 1);
    for (let i = 0; i < 200; i++) {
      const wait = b.call(undefined);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(5);
    }
    expect(constantPacing(0).call(undefined)).toBe(0);
  });
  it('rejects bad arguments', () => {
    expect(() => between(-1, 1)).toThrow(RangeError);
    expect(() => between(1, Number.NaN)).toThrow(RangeError);
    expect(() => constantPacing(-1)).toThrow(RangeError);
    expect(() => constantThroughput(0)).toThrow(RangeError);
  });
});

describe('parseTimespan', () => {
  it.each([
    ['20', 20],
    ['300s', 300],
    ['20m', 1200],
    ['3h', 10800],
    ['1h30m', 5400],
    ['1h3m7s', 3787],
  ])('%s -> %i s', (text, seconds) => {
    expect(parseTimespan(text)).toBe(seconds);
  });
  it.each(['1h30', 'abc', '', '5x', '-3'])('rejects %j', (text) => {
    expect(() => parseTimespan(text)).toThrowError(/Invalid time span format/);
  });
});
