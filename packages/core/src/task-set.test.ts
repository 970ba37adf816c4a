import { afterEach, describe, expect, it, vi } from 'vitest';
import { Environment } from './environment.ts';
import { InterruptTaskSet, StopUser } from './errors.ts';
import { Events } from './events.ts';
import { task } from './task.ts';
import { SequentialTaskSet, TaskSet, spawnTaskSet } from './task-set.ts';
import { User } from './user.ts';

// Core's own tests build environments directly: @locusta/test-support depends on this package.
const env = () => new Environment({ events: new Events() });

class ClientUser extends User {
  readonly client = { name: 'the client' };
}

/** A TaskSet of `cls` inside a fresh user. */
function inside<T extends TaskSet>(cls: new (parent: User) => T): { user: ClientUser; set: T } {
  const user = new ClientUser(env());
  return { user, set: new cls(user) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('TaskSet', () => {
  it("reaches its user's client and environment, and names the user as its parent", () => {
    class Shop extends TaskSet<ClientUser> {}
    const { user, set } = inside(Shop);
    expect(set.user).toBe(user);
    expect(set.parent).toBe(user);
    expect(set.client).toBe(user.client);
    expect(set.environment).toBe(user.environment);
  });

  it('nests: the user of a TaskSet in a TaskSet is still the user', () => {
    class Outer extends TaskSet {}
    class Inner extends TaskSet {}
    const { user, set } = inside(Outer);
    const inner = spawnTaskSet(Inner, set);
    expect(inner).toBeInstanceOf(Inner);
    expect(inner.parent).toBe(set);
    expect(inner.user).toBe(user);
  });

  it('picks its tasks by weight', () => {
    class Shop extends TaskSet {
      @task(3) browse() {}
      @task pay() {}
    }
    const { set } = inside(Shop);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(set.nextTask()!.name).toBe('browse');
    vi.spyOn(Math, 'random').mockReturnValue(0.8);
    expect(set.nextTask()!.name).toBe('pay');
  });

  it('queues scheduled tasks at the end, or first', () => {
    class Shop extends TaskSet {}
    const { set } = inside(Shop);
    function later() {}
    function sooner() {}
    set.scheduleTask(later);
    set.scheduleTask(sooner, true);
    expect(set.queue.map((t) => [t.name, t.weight, t.isTaskSet])).toEqual([
      ['sooner', 1, false],
      ['later', 1, false],
    ]);
  });

  it('runs scheduled tasks before picking one', async () => {
    const log: string[] = [];
    class Checkout extends TaskSet {
      override onStart() {
        this.scheduleTask(function login() {
          log.push('login');
        });
      }
      @task pay() {
        log.push('pay');
        throw new StopUser();
      }
    }
    class U extends User {
      static override tasks = [Checkout];
    }
    await new U(env()).run();
    expect(log).toEqual(['login', 'pay']);
  });

  it('interrupt() leaves the TaskSet, rescheduling by default', () => {
    class Shop extends TaskSet {}
    const { set } = inside(Shop);
    const thrown = (reschedule?: boolean) => {
      try {
        if (reschedule === undefined) set.interrupt();
        else set.interrupt(reschedule);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const first = thrown();
    expect(first).toBeInstanceOf(InterruptTaskSet);
    expect((first as InterruptTaskSet).reschedule).toBe(true);
    expect((thrown(false) as InterruptTaskSet).reschedule).toBe(false);
  });
});

describe('SequentialTaskSet', () => {
  it('gives its tasks in declaration order, a weight-n task n times, then starts over', () => {
    class Flow extends SequentialTaskSet {
      @task(2) a() {}
      @task b() {}
      @task(0) skipped() {}
      @task c() {}
    }
    const { set } = inside(Flow);
    expect(Array.from({ length: 8 }, () => set.nextTask()!.name)).toEqual(['a', 'a', 'b', 'c', 'a', 'a', 'b', 'c']);
  });

  it('keeps its place per instance', () => {
    class Flow extends SequentialTaskSet {
      @task a() {}
      @task b() {}
    }
    const one = inside(Flow).set;
    const two = inside(Flow).set;
    one.nextTask();
    expect(one.nextTask()!.name).toBe('b');
    expect(two.nextTask()!.name).toBe('a');
  });

  it('has nothing to give without tasks', () => {
    class Empty extends SequentialTaskSet {}
    expect(inside(Empty).set.nextTask()).toBeUndefined();
  });
});
