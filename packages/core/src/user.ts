import { taskId } from './running-task.ts';
import type { Environment } from './environment.ts';
import { StopTest, StopUser, UserKilled, describeError, stackOf } from './errors.ts';
import type { TaskSource } from './task-list.ts';
import { pickerFor } from './task-list.ts';
import type { TaskDef } from './task-list.ts';
import type { TaskHolder, UserInternals } from './task-loop.ts';
import { runTaskLoop } from './task-loop.ts';
import { spawnTaskSet } from './task-set.ts';
import type { TaskGate } from './task-gate.ts';
import { TASK_GATE } from './task-gate.ts';
import { AWAITED_IO, PENDING_REQUESTS, TASK_SEQ } from './unawaited-requests.ts';
import { INTERNALS } from './user-internals.ts';

export type UserState = 'idle' | 'running' | 'waiting' | 'stopping' | 'stopped';

/** A User class as the runner sees it. */
export interface UserClass {
  new (environment: Environment): User;
  readonly name: string;
  weight: number;
  fixedCount: number;
  abstract?: boolean;
  host?: string;
  tasks?: TaskSource;
  /** Returns a one-line problem that prevents running this class, if any. */
  checkConfig?(environment: Environment): string | undefined;
}


type CleanupHook = (killed: boolean) => void;

/** Set in User's static block, which runs before any user exists. */
let Internals: new (user: User) => UserInternals;

/**
 * A simulated user (Locust's User). Subclass it, declare tasks with `@task` or a static `tasks`
 * list, set `waitTime`, and override `onStart`/`onStop`. Framework state lives in #private
 * fields so a subclass cannot clash with it.
 */
export class User implements TaskHolder {
  // Wait time: set `waitTime = between(1, 3)` (or define a `waitTime()` method) in a subclass;
  // it is read by the task loop (see waitTimeOf) and defaults to 0.

  /** A class is concrete unless it sets `static abstract = true` itself. */
  static abstract = true;
  static weight = 1;
  static fixedCount = 0;
  declare static host: string | undefined;
  declare static tasks: TaskSource | undefined;

  declare host: string | undefined;
  readonly environment: Environment;
  readonly queue: TaskDef[] = [];

  #state: UserState = 'idle';
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #rejectWait: ((err: Error) => void) | undefined;
  /** One hook, or several: nearly every user has exactly one (its HTTP session's). */
  #cleanups: CleanupHook | CleanupHook[] | undefined;
  #killed = false;
  #scheduleLag: number | undefined;
  /** Set by the runner in arrival-rate mode: arrivals, not the wait time, start the tasks. */
  declare [TASK_GATE]: TaskGate | undefined;
  /** Requests sent and not settled yet (kept by the HTTP client; see PENDING_REQUESTS). */
  [PENDING_REQUESTS] = 0;
  [TASK_SEQ] = 0;
  /** The current task got a response from the network (see AWAITED_IO). */
  [AWAITED_IO] = false;

  constructor(environment: Environment) {
    this.environment = environment;
  }

  /** `this` for tasks declared on the user itself. */
  get user(): User {
    return this;
  }

  get state(): UserState {
    return this.#state;
  }

  /**
   * Milliseconds by which the current task started after its intended start, when tasks run on
   * a schedule (arrival-rate mode, constantPacing, constantThroughput); undefined otherwise.
   * Request events carry it, so statistics can correct for coordinated omission.
   */
  get scheduleLag(): number | undefined {
    return this.#scheduleLag;
  }

  /** True once the runner killed this user; its late requests are not recorded. */
  get killed(): boolean {
    return this.#killed;
  }

  onStart(): unknown {
    return undefined;
  }

  onStop(): unknown {
    return undefined;
  }

  /** Extra context merged into every request event of this user (Locust's context()). */
  context(): Record<string, unknown> {
    return {};
  }

  /** Queues a task to run next (or after the queued ones). */
  scheduleTask(task: TaskDef['fn'], first = false): void {
    const def: TaskDef = { name: task.name, weight: 1, fn: task, isTaskSet: false, id: taskId(`${this.constructor.name}.${task.name}`) };
    if (first) this.queue.unshift(def);
    else this.queue.push(def);
  }

  nextTask(): TaskDef | undefined {
    return pickerFor(this.constructor as UserClass).pick();
  }

  /**
   * Registers a function that releases what the user holds (e.g. its connections). It runs once:
   * when the runner kills the user (`killed` true: abort in-flight work) or after `onStop`.
   */
  protected addCleanup(hook: (killed: boolean) => void): void {
    const hooks = this.#cleanups;
    if (hooks === undefined) this.#cleanups = hook;
    else if (typeof hooks === 'function') this.#cleanups = [hooks, hook];
    else hooks.push(hook);
  }

  #cleanup(killed: boolean): void {
    const hooks = this.#cleanups;
    this.#cleanups = undefined;
    if (hooks === undefined) return;
    for (const hook of typeof hooks === 'function' ? [hooks] : hooks) {
      try {
        hook(killed);
      } catch (err) {
        this.environment.logger.warn(`cleanup of ${this.constructor.name} failed: ${describeError(err)}`);
      }
    }
  }

  /** Sleeps `seconds` on the user's clock; a kill ends the sleep at once. */
  sleep(seconds: number): Promise<void> {
    if (this.#killed) return Promise.reject(new UserKilled());
    return this.#sleep(seconds, false, undefined);
  }

  /**
   * The sleep itself. For the wait between tasks (`waiting`), the timer callback also ends the
   * waiting state, so that the task loop awaits this promise directly: an async wrapper would
   * stay suspended, with its own promise, through the whole wait of every idle user.
   * `pacingLag` (ms) is set when the wait time keeps a schedule (see UserInternals.wait).
   */
  #sleep(seconds: number, waiting: boolean, pacingLag: number | undefined): Promise<void> {
    const due = pacingLag === undefined ? 0 : performance.now() + seconds * 1000;
    return new Promise<void>((resolve, reject) => {
      this.#rejectWait = reject;
      const done = () => {
        this.#timer = undefined;
        this.#rejectWait = undefined;
        if (waiting) {
          if (this.#state === 'stopping') return reject(new StopUser());
          this.#state = 'running';
          // A scheduled wait: the task is late by what the last one ran over plus the timer's lateness.
          if (pacingLag !== undefined) this.#onSchedule(pacingLag + performance.now() - due);
        }
        resolve();
      };
      // A zero wait still yields to the event loop so a task without I/O cannot starve it.
      this.#timer = seconds > 0 ? setTimeout(done, seconds * 1000) : setImmediate(done);
    });
  }

  /** Runs the user until it stops: onStart, then the task loop, then onStop. */
  async run(): Promise<void> {
    this.#state = 'running';
    try {
      await this.onStart();
      const gate = this[TASK_GATE];
      if (gate) this.#onSchedule(performance.now() - gate.first);
      await runTaskLoop(this, this[INTERNALS], spawnTaskSet, false);
    } catch (err) {
      if (!(err instanceof StopUser || err instanceof UserKilled || isStopTest(err))) {
        this[INTERNALS].reportError(err, this);
      }
    }
    try {
      await this.onStop();
    } catch (err) {
      if (!(err instanceof UserKilled)) this[INTERNALS].reportError(err, this);
    }
    this.#state = 'stopped';
    this.#cleanup(false);
  }

  /**
   * Asks the user to stop. A waiting user (or any user when `force`) is killed at once: its wait
   * ends and its connections close. A running user finishes its current task first.
   */
  stop(force = false): void {
    if (this.#state === 'stopped') return;
    if (force || this.#state === 'waiting' || this.#state === 'idle') this.kill();
    else this.#state = 'stopping';
  }

  #onSchedule(lag: number): void {
    this.#scheduleLag = lag > 0 ? lag : 0;
    this.environment.events.scheduleLag.fire({ lag: this.#scheduleLag });
  }

  /**
   * Parks the waiting user until its gate hands it the next arrival, then ends the waiting state
   * (in the gate's callback, for the reason given at #sleep).
   */
  #park(gate: TaskGate): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#rejectWait = reject;
      gate.park(this, (intended) => {
        if (this.#killed) return;
        this.#rejectWait = undefined;
        if (this.#state === 'stopping') return reject(new StopUser());
        this.#state = 'running';
        this.#onSchedule(performance.now() - intended);
        resolve();
      });
    });
  }

  kill(): void {
    if (this.#killed) return;
    this.#killed = true;
    this.#state = 'stopping';
    if (this.#timer) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = undefined;
    }
    this.#rejectWait?.(new UserKilled());
    this.#rejectWait = undefined;
    this.#cleanup(true);
  }

  get [INTERNALS](): UserInternals {
    return new Internals(this);
  }

  static {
    /**
     * The loop hooks of one user. A class declared in User's body, so that it may read the
     * private state, with its methods on its prototype: an object literal of methods cost three
     * closures per user, which its suspended task loop kept for the user's whole life.
     */
    Internals = class implements UserInternals {
      readonly #user: User;

      constructor(user: User) {
        this.#user = user;
      }

      checkStopping(): void {
        const user = this.#user;
        if (user.#killed) throw new UserKilled();
        if (user.#state === 'stopping') throw new StopUser();
      }

      wait(seconds: number, pacingLag: number | undefined): Promise<void> | undefined {
        const user = this.#user;
        if (user.#killed) return Promise.reject(new UserKilled());
        if (user.#state === 'stopping') return Promise.reject(new StopUser());
        const gate = user[TASK_GATE];
        // No wait, no schedule, and the task already went back to the event loop for its I/O.
        if (!(seconds > 0) && pacingLag === undefined && gate === undefined && user[AWAITED_IO]) return undefined;
        user.#state = 'waiting';
        return gate ? user.#park(gate) : user.#sleep(seconds, true, pacingLag);
      }

      reportError(err: unknown, where: TaskHolder): void {
        const env = this.#user.environment;
        env.events.userError.fire({ userInstance: where, exception: err, tb: stackOf(err) });
        env.logger.error(`${where.constructor.name}: ${describeError(err)}`);
      }
    };
  }
}

function isStopTest(err: unknown): boolean {
  return err instanceof StopTest;
}
