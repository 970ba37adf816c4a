import type { Logger } from '@locusta/core';
import { describeError } from '@locusta/core';
import type { RunnerState } from '@locusta/runner';
import type { SwarmForm } from './routes/swarm.ts';
import type { StatsHistory } from './stats-history.ts';
import type { WebRunner } from './web-runner.ts';

/** The values the start form offers next: the last ones started with, or the run's defaults. */
export interface FormDefaults {
  users?: number;
  spawnRate?: number;
  host?: string;
  profile?: string;
  userClasses?: string[];
  runTime?: string;
  custom: Record<string, unknown>;
}

const IDLE: ReadonlySet<RunnerState> = new Set(['ready', 'stopped', 'missing']);

/**
 * Starts, changes and stops tests for the web routes: keeps the run time limit of a test
 * started from the UI (Locust's web UI stops the runner when it elapses), lets a start wait
 * for a stop still in progress, and remembers the last form values for the next page load.
 */
export class RunControl {
  readonly #runner: WebRunner;
  readonly #logger: Logger;
  readonly #history: StatsHistory;
  #runTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  readonly defaults: FormDefaults;

  constructor(runner: WebRunner, logger: Logger, history: StatsHistory, defaults: FormDefaults) {
    this.#runner = runner;
    this.#logger = logger;
    this.#history = history;
    this.defaults = { ...defaults, custom: { ...defaults.custom } };
  }

  /** Starts a test, or changes the users of the running one. Does not wait for the ramp. */
  async swarm(form: SwarmForm): Promise<void> {
    if (this.#stopping) await this.#stopping;
    const newTest = IDLE.has(this.#runner.state());
    if (newTest) {
      this.#clearRunTimer();
      this.#history.clear();
    }
    // A run time of 0 means no limit, as in Locust (`if run_time:`).
    if (form.runTime) this.#setRunTimer(form.runTime);
    Object.assign(this.defaults, { users: form.users, spawnRate: form.spawnRate });
    if (form.host !== undefined) this.defaults.host = form.host;
    if (form.profile !== undefined) this.defaults.profile = form.profile;
    if (form.userClasses !== undefined && form.userClasses.length > 0) this.defaults.userClasses = form.userClasses;
    if (form.runTimeText !== undefined || newTest) this.defaults.runTime = form.runTimeText ?? '';
    Object.assign(this.defaults.custom, form.custom);
    const started = this.#runner.start(form.users, form.spawnRate, { host: form.host, profile: form.profile, userClasses: form.userClasses, runTime: form.runTime, custom: form.custom });
    started.catch((err: unknown) => this.#logger.error(`Starting the test failed: ${describeError(err)}`));
  }

  /** Stops the test and resolves once the runner has stopped. */
  stop(): Promise<void> {
    this.#clearRunTimer();
    if (!this.#stopping) {
      this.#stopping = this.#runner.stop().finally(() => {
        this.#stopping = undefined;
      });
    }
    return this.#stopping;
  }

  resetStats(): void {
    this.#runner.resetStats();
    this.#history.clear();
  }

  close(): void {
    this.#clearRunTimer();
  }

  #setRunTimer(seconds: number): void {
    this.#clearRunTimer();
    this.#runTimer = setTimeout(() => {
      this.#runTimer = undefined;
      this.#logger.info('Run time limit reached, stopping the test');
      this.stop().catch((err: unknown) => this.#logger.error(`Stopping the test failed: ${describeError(err)}`));
    }, seconds * 1000);
    this.#runTimer.unref();
  }

  #clearRunTimer(): void {
    clearTimeout(this.#runTimer);
    this.#runTimer = undefined;
  }
}
