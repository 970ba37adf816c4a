import type { RunnerState } from '@locusta/runner';
import type { ExceptionStats, RequestStats } from '@locusta/stats';

/** What `/swarm` hands the runner besides the user count and spawn rate. */
export interface WebStartOptions {
  /** The form's host with `<` and `>` removed; '' clears an earlier override; undefined leaves it. */
  host?: string;
  /** `profile` of the form (Locust's): the run's name; '' clears it; undefined leaves it. */
  profile?: string;
  /** `--class-picker`: the user classes ticked; undefined leaves the classes as they are. */
  userClasses?: string[];
  /** Seconds. The WebServer enforces it (it stops the runner when it elapses); this is for the record. */
  runTime?: number;
  /** Values of the user file's custom options posted with the form, keyed by option name, typed. */
  custom: Record<string, unknown>;
}

/** One worker of a master, as `/stats/requests` lists it. */
export interface WebWorker {
  id: string;
  state: RunnerState;
  userCount: number;
  /** Percent of one core. */
  cpu: number;
  /** Resident memory in bytes. */
  memory: number;
}

/** Task ratios in Locust's `/tasks` layout: each level sums to 1 within its parent. */
export type TaskRatios = Record<string, { ratio: number; tasks?: TaskRatios }>;

/** A User class for `/tasks`: its running users and its tasks' share of its picks. */
export interface WebUserClass {
  name: string;
  /** Users of this class running now; the class ratio is its share of all running users. */
  userCount: number;
  tasks: TaskRatios;
}

/**
 * The runner surface the web server drives. `adaptRunner` builds one for a LocalRunner or a
 * MasterRunner; anything else (a runner driven by a load shape, say) can implement it directly.
 */
export interface WebRunner {
  state(): RunnerState;
  userCount(): number;
  /**
   * Starts a test, or changes the user count and spawn rate of a running one. Resolves when the
   * ramp is done; the server does not wait for that before answering.
   */
  start(users: number, spawnRate: number, options: WebStartOptions): Promise<void>;
  stop(): Promise<void>;
  /** Zeroes the request statistics and the exceptions (fires the resetStats event). */
  resetStats(): void;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  /** Present on a master only: its workers, missing ones included. */
  workers?(): WebWorker[];
  userClasses(): WebUserClass[];
  /** The host the form should offer: `--host`, or the one host all classes share, or ''. */
  host(): string;
}
