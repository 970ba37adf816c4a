import type { Environment, UserClass } from '@locusta/core';
import { filterTasksByTags } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { ArrivalExecutor } from './arrival-executor.ts';
import type { ArrivalPlan } from './arrival-schedule.ts';
import { describePlan } from './describe-plan.ts';
import { EventRecorder } from './event-recorder.ts';
import { pyJson } from './py-json.ts';
import type { MessageListener, Runner, RunnerState } from './runner.ts';
import { UsageMonitor } from './usage-monitor.ts';
import { UserPool } from './user-pool.ts';
import { UsersDispatcher } from './users-dispatcher.ts';

const LOCAL = 'local';

/**
 * Runs users in this process (Locust's LocalRunner): ramps with the same dispatcher a master
 * uses for one worker, records every request event into the stats, and stops users with the
 * stop timeout (running tasks may finish, waiting users stop at once).
 */
export class LocalRunner implements Runner {
  readonly environment: Environment;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  readonly monitor: UsageMonitor;
  onStopTest: ((reason: string) => void) | undefined;

  #state: RunnerState = 'ready';
  readonly #pool: UserPool;
  #dispatcher: UsersDispatcher | undefined;
  #rampToken = 0;
  #messages = new Map<string, MessageListener>();
  #targetUserCount = 0;
  readonly #recorder: EventRecorder;
  #arrivals: ArrivalExecutor | undefined;

  constructor(environment: Environment, stats: RequestStats, exceptions: ExceptionStats) {
    this.environment = environment;
    this.stats = stats;
    this.exceptions = exceptions;
    this.monitor = new UsageMonitor(environment);
    this.#pool = new UserPool(environment);
    this.#pool.onStopTest = (reason) => this.onStopTest?.(reason);
    environment.runner = this;
    environment.stats = stats;
    this.#recorder = new EventRecorder(environment, stats, exceptions);
  }

  get state(): RunnerState {
    return this.#state;
  }

  get userCount(): number {
    return this.#pool.count;
  }

  get targetUserCount(): number {
    return this.#targetUserCount;
  }

  /** Running users per class, sorted by class name. */
  userClassesCount(): Record<string, number> {
    return this.#pool.classesCount();
  }

  /**
   * Ramps to `userCount` users at `spawnRate` per second. The first start of a test resets the
   * stats, applies the tag filters and fires testStart. Resolves when the ramp is done, or
   * superseded by another start or a stop.
   */
  async start(userCount: number, spawnRate: number, userClasses?: UserClass[]): Promise<void> {
    const env = this.environment;
    await this.#beginTest();
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
        this.#pool.apply(step.users[LOCAL] ?? {});
      }
      if (token !== this.#rampToken) return;
    }
    if (this.#state !== 'spawning') return;
    this.#state = 'running';
    const counts = this.userClassesCount();
    env.events.spawningComplete.fire({ userCount: this.userCount });
    env.logger.info(`All users spawned: ${pyJson(counts)} (${this.userCount} total users)`);
  }

  /** The first start of a test: fresh statistics, tag filters applied, testStart fired. */
  async #beginTest(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'spawning') return;
    const env = this.environment;
    this.stats.reset();
    this.exceptions.reset();
    env.measurement.start();
    this.#recorder.attach();
    for (const name of filterTasksByTags(env.userClasses, env.tags, env.excludeTags)) {
      env.logger.warn(`${name} had no tasks left after filtering, instantiating it will fail!`);
    }
    this.monitor.start();
    await env.events.testStart.fireAsync({ environment: env });
  }

  /**
   * The open workload model: iterations start at the plan's rate, taken by up to `maxUsers`
   * users started on demand; arrivals with no free user are dropped and counted.
   */
  async startArrivals(plan: ArrivalPlan, maxUsers: number): Promise<void> {
    const env = this.environment;
    await this.#beginTest();
    this.#rampToken++;
    this.#targetUserCount = maxUsers;
    this.#arrivals ??= new ArrivalExecutor(this.#pool, this.stats.schedule, env.userClasses);
    this.#arrivals.start({ plan, index: 0, count: 1, maxUsers, elapsed: 0 });
    this.#state = 'running';
    env.logger.info(`Starting iterations at ${describePlan(plan)}, with up to ${maxUsers} users`);
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
    this.#arrivals?.stop();
    this.#arrivals = undefined;
    await this.#pool.stopAll();
    this.#dispatcher = undefined;
    this.monitor.stop();
    this.#state = 'stopped';
    this.#recorder.detach();
    await env.events.testStop.fireAsync({ environment: env });
  }

  /** Stops the test; the statistics are final from here on. */
  async quit(): Promise<void> {
    await this.stop();
    this.#state = 'stopped';
    this.#recorder.detach();
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
