import type { Environment, RequestEvent, RunnerHandle, User, UserClass } from '@locusta/core';
import { StopTest, describeError, filterTasksByTags, stackOf } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { UsageMonitor } from './usage-monitor.ts';
import type { Distribution } from './users-dispatcher.ts';
import { UsersDispatcher } from './users-dispatcher.ts';

export type RunnerState = 'ready' | 'spawning' | 'running' | 'stopping' | 'stopped';

export type MessageListener = (msg: { type: string; data: unknown; nodeId: string }) => unknown;

interface Running {
  readonly user: User;
  readonly done: Promise<void>;
}

const LOCAL = 'local';

/**
 * Runs users in this process (Locust's LocalRunner): ramps with the same dispatcher a master
 * uses for one worker, records every request event into the stats, and stops users with the
 * stop timeout (running tasks may finish, waiting users stop at once).
 */
export class LocalRunner implements RunnerHandle {
  readonly environment: Environment;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  readonly monitor: UsageMonitor;
  /** Users quit because a class threw StopTest, or a failure of the runner itself. */
  onStopTest: ((reason: string) => void) | undefined;

  #state: RunnerState = 'ready';
  #users = new Map<string, Running[]>();
  #classes: Map<string, UserClass>;
  #dispatcher: UsersDispatcher | undefined;
  #rampToken = 0;
  #messages = new Map<string, MessageListener>();
  #targetUserCount = 0;
  readonly #onRequest: (e: RequestEvent) => void;
  readonly #onUserError: (e: { exception: unknown; tb?: string }) => void;
  #attached = false;

  constructor(environment: Environment, stats: RequestStats, exceptions: ExceptionStats) {
    this.environment = environment;
    this.stats = stats;
    this.exceptions = exceptions;
    this.monitor = new UsageMonitor(environment);
    this.#classes = new Map(environment.userClasses.map((c) => [c.name, c]));
    environment.runner = this;
    environment.stats = stats;
    this.#onRequest = (e) => {
      stats.logRequest(e.requestType, e.name, e.responseTime, e.responseLength);
      if (e.exception !== undefined && e.exception !== null) stats.logError(e.requestType, e.name, e.exception);
    };
    this.#onUserError = (e) => {
      exceptions.log(messageOf(e.exception), e.tb ?? stackOf(e.exception), environment.nodeId);
    };
  }

  /** Records request and error events into the statistics while a test runs. */
  #attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.environment.events.request.addListener(this.#onRequest);
    this.environment.events.userError.addListener(this.#onUserError);
  }

  get state(): RunnerState {
    return this.#state;
  }

  get userCount(): number {
    let n = 0;
    for (const list of this.#users.values()) n += list.length;
    return n;
  }

  get targetUserCount(): number {
    return this.#targetUserCount;
  }

  /** Running users per class, sorted by class name. */
  userClassesCount(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.#classes.keys()].sort()) out[name] = this.#users.get(name)?.length ?? 0;
    return out;
  }

  /**
   * Ramps to `userCount` users at `spawnRate` per second. The first start of a test resets the
   * stats, applies the tag filters and fires testStart. Resolves when the ramp is done, or
   * superseded by another start or a stop.
   */
  async start(userCount: number, spawnRate: number, userClasses?: UserClass[]): Promise<void> {
    const env = this.environment;
    if (this.#state !== 'running' && this.#state !== 'spawning') {
      this.stats.reset();
      this.exceptions.reset();
      this.#attach();
      for (const name of filterTasksByTags(env.userClasses, env.tags, env.excludeTags)) {
        env.logger.warn(`${name} had no tasks left after filtering, instantiating it will fail!`);
      }
      this.monitor.start();
      await env.events.testStart.fireAsync({ environment: env });
    }
    if (spawnRate > 100) {
      env.logger.warn(
        'Your selected spawn rate is very high (>100), and this is known to sometimes cause issues. Do you really need to ramp up that fast?',
      );
    }
    const classes = userClasses ?? env.userClasses;
    this.#dispatcher ??= new UsersDispatcher([LOCAL], classes);
    this.#dispatcher.newDispatch(userCount, spawnRate, classes);
    this.#targetUserCount = userCount;
    this.#state = 'spawning';
    env.logger.info(`Ramping to ${userCount} users at a rate of ${spawnRate.toFixed(2)} per second`);
    const token = ++this.#rampToken;
    for (let step = this.#dispatcher.next(); step; step = this.#dispatcher.next()) {
      if ('wait' in step) {
        await new Promise((resolve) => setTimeout(resolve, step.wait * 1000));
      } else {
        this.#apply(step.users);
      }
      if (token !== this.#rampToken) return;
    }
    if (this.#state !== 'spawning') return;
    this.#state = 'running';
    const counts = this.userClassesCount();
    env.events.spawningComplete.fire({ userCount: this.userCount });
    env.logger.info(`All users spawned: ${pyJson(counts)} (${this.userCount} total users)`);
  }

  #apply(distribution: Distribution): void {
    const wanted = distribution[LOCAL] ?? {};
    for (const [name, target] of Object.entries(wanted)) {
      const list = this.#users.get(name) ?? [];
      this.#users.set(name, list);
      const cls = this.#classes.get(name);
      while (cls && list.length < target) {
        if (!this.#spawnOne(cls, list)) return;
      }
      if (list.length > target) this.#stopUsers(list.splice(target));
    }
  }

  #spawnOne(cls: UserClass, list: Running[]): boolean {
    let user: User;
    try {
      user = new cls(this.environment);
    } catch (err) {
      if (err instanceof StopTest) {
        this.environment.logger.error(`StopTest raised while creating ${cls.name}: ${err.message}`);
        this.onStopTest?.(err.message);
        return false;
      }
      this.environment.events.userError.fire({ userInstance: undefined, exception: err, tb: stackOf(err) });
      this.environment.logger.error(`Could not create ${cls.name}: ${describeError(err)}`);
      return false;
    }
    const entry: Running = {
      user,
      done: user.run().finally(() => {
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
      }),
    };
    list.push(entry);
    return true;
  }

  /**
   * Stops users. Without a stop timeout they are killed at once (waits end, connections close);
   * with one, waiting users are killed and running ones get that long to finish their task,
   * after which the rest are killed. Killed users are not waited for: their late events are
   * ignored once the runner has stopped, as Locust discards killed greenlets.
   */
  async #stopUsers(entries: Running[]): Promise<void> {
    const timeout = this.environment.stopTimeout;
    for (const { user } of entries) user.stop(!(timeout > 0));
    if (!(timeout > 0)) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeout * 1000);
    });
    const outcome = await Promise.race([Promise.all(entries.map((e) => e.done)), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      this.environment.logger.info(`Not all users finished their tasks & terminated in ${timeout} seconds. Stopping them...`);
      for (const { user } of entries) user.kill();
    }
  }

  /** Stops every user (honouring the stop timeout) and fires testStopping / testStop. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping' || this.#state === 'ready') {
      return;
    }
    const env = this.environment;
    await env.events.testStopping.fireAsync({ environment: env });
    this.#state = 'stopping';
    this.#rampToken++;
    const everyone = [...this.#users.values()].flat();
    await this.#stopUsers(everyone);
    this.#users.clear();
    this.#dispatcher = undefined;
    this.monitor.stop();
    this.#state = 'stopped';
    this.#detach();
    await env.events.testStop.fireAsync({ environment: env });
  }

  /** Stops the test; the statistics are final from here on. */
  async quit(): Promise<void> {
    await this.stop();
    this.#state = 'stopped';
    this.#detach();
  }

  #detach(): void {
    this.#attached = false;
    this.environment.events.request.removeListener(this.#onRequest);
    this.environment.events.userError.removeListener(this.#onUserError);
  }

  registerMessage(type: string, listener: MessageListener): void {
    if (this.#messages.has(type)) throw new Error(`Tried to register listener method for ${type}, but it already had a listener!`);
    this.#messages.set(type, listener);
  }

  sendMessage(type: string, data?: unknown): void {
    const listener = this.#messages.get(type);
    if (!listener) {
      this.environment.logger.warn(`Unknown message type received: ${type}`);
      return;
    }
    listener({ type, data, nodeId: LOCAL });
  }
}

/** Locust's `str(exception)`: the message alone. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** JSON as Python's json.dumps writes it (`{"A": 1, "B": 2}`), for Locust's log lines. */
export function pyJson(value: Record<string, number>): string {
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
    .join(', ')}}`;
}
