import type { Environment, TaskGate, User, UserClass } from '@locusta/core';
import { StopTest, TASK_GATE, describeError, runAsUser, stackOf } from '@locusta/core';
import { pyJson } from './py-json.ts';

interface Running {
  readonly user: User;
  readonly done: Promise<void>;
}

/**
 * The users running in this process, per class. `apply` brings each class to an absolute count
 * (as a dispatch step or a master's spawn message gives it): new users start at once, surplus
 * ones, most recent first, stop with the stop timeout.
 */
export class UserPool {
  readonly #env: Environment;
  readonly #classes: Map<string, UserClass>;
  readonly #users = new Map<string, Running[]>();
  /** Called when creating a user threw StopTest: the whole test must stop. */
  onStopTest: ((reason: string) => void) | undefined;

  constructor(env: Environment) {
    this.#env = env;
    this.#classes = new Map(env.userClasses.map((c) => [c.name, c]));
  }

  get count(): number {
    let n = 0;
    for (const list of this.#users.values()) n += list.length;
    return n;
  }

  /** Running users per class, every known class listed, sorted by name. */
  classesCount(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.#classes.keys()].sort()) out[name] = this.#users.get(name)?.length ?? 0;
    return out;
  }

  /** Brings each class named in `counts` to that many users. Unknown class names are returned. */
  apply(counts: Record<string, number>): string[] {
    const unknown: string[] = [];
    this.#logAdditions(counts);
    for (const [name, target] of Object.entries(counts)) {
      const cls = this.#classes.get(name);
      if (!cls) {
        if (target > 0) unknown.push(name);
        continue;
      }
      let list = this.#users.get(name);
      if (!list) {
        list = [];
        this.#users.set(name, list);
      }
      while (list.length < target) {
        if (!this.#spawn(cls, list)) return unknown;
      }
      if (list.length > target) void this.stop(list.splice(target));
    }
    return unknown;
  }

  /** Locust's DEBUG line before a spawn: what is added, per class, and what already runs. */
  #logAdditions(counts: Record<string, number>): void {
    const additions: Record<string, number> = {};
    for (const [name, target] of Object.entries(counts)) {
      const running = this.#users.get(name)?.length ?? 0;
      if (this.#classes.has(name) && target > running) additions[name] = target - running;
    }
    if (Object.keys(additions).length > 0) this.#env.logger.debug(`Spawning additional ${pyJson(additions)} (${pyJson(this.classesCount())} already running)...`);
  }

  /** Starts one user of `cls` whose tasks are started by `gate` (arrival-rate mode). */
  spawnGated(cls: UserClass, gate: TaskGate): boolean {
    let list = this.#users.get(cls.name);
    if (!list) this.#users.set(cls.name, (list = []));
    return this.#spawn(cls, list, gate);
  }

  #spawn(cls: UserClass, list: Running[], gate?: TaskGate): boolean {
    let user: User;
    try {
      user = new cls(this.#env);
      if (gate) user[TASK_GATE] = gate;
    } catch (err) {
      if (err instanceof StopTest) {
        this.#env.logger.error(`StopTest raised while creating ${cls.name}: ${err.message}`);
        this.onStopTest?.(err.message);
        return false;
      }
      this.#env.events.userError.fire({ userInstance: undefined, exception: err, tb: stackOf(err) });
      this.#env.logger.error(`Could not create ${cls.name}: ${describeError(err)}`);
      return false;
    }
    const leave = (): void => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
    // then() rather than finally(), which adds two closures of its own, kept for the user's whole
    // life: at 10,000 users every per-user object counts. run() reports its own errors, so the
    // rejection path should not happen; if it does, `done` still rejects. With several classes,
    // the user is the current user of all its code, so that an error escaping its tasks can be
    // blamed on its class; with one class there is no doubt, and no cost: on Node 20 the async
    // context tracking slows every promise.
    const entry: Running = {
      user,
      done: (this.#classes.size > 1 ? runAsUser(user, () => user.run()) : user.run()).then(leave, (err: unknown) => {
        leave();
        throw err;
      }),
    };
    list.push(entry);
    return true;
  }

  /** Stops every user (killing them all when `force`); resolves when they stopped or were killed. */
  stopAll(force = false): Promise<void> {
    const everyone = [...this.#users.values()].flat();
    this.#users.clear();
    return this.stop(everyone, force);
  }

  /**
   * Stops users. Without a stop timeout they are killed at once (waits end, connections close);
   * with one, waiting users are killed and running ones get that long to finish their task,
   * after which the rest are killed. Killed users are not waited for: their late events are
   * ignored once the runner has stopped, as Locust discards killed greenlets.
   */
  async stop(entries: Running[], force = false): Promise<void> {
    const timeout = force ? 0 : this.#env.stopTimeout;
    for (const { user } of entries) user.stop(!(timeout > 0));
    if (!(timeout > 0)) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeout * 1000);
    });
    const outcome = await Promise.race([Promise.all(entries.map((e) => e.done)), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      this.#env.logger.info(`Not all users finished their tasks & terminated in ${timeout} seconds. Stopping them...`);
      for (const { user } of entries) user.kill();
    }
  }
}
