import type { Environment, RunnerHandle } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';

/**
 * The states of a runner, as Locust names them (its STATE_* values) and the REST API reports
 * them. `missing` is only ever a worker's state as its master sees it: a worker it lost.
 */
export const RUNNER_STATES = ['ready', 'spawning', 'running', 'stopping', 'stopped', 'missing'] as const;

export type RunnerState = (typeof RUNNER_STATES)[number];

/** Worker states that can take users (Locust's worker_count counts these). */
export const ACTIVE_WORKER_STATES: ReadonlySet<RunnerState> = new Set(['ready', 'spawning', 'running']);

/** A listener of custom messages (Locust's `register_message`). */
export type MessageListener = (msg: { type: string; data: unknown; nodeId: string }) => unknown;

/**
 * What the local, master and worker runners have in common: the statistics they fill, their
 * state, stopping, custom messages, and the one callback by which a runner asks to end the test.
 */
export interface Runner extends RunnerHandle {
  readonly environment: Environment;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  readonly state: RunnerState;
  readonly userCount: number;
  /**
   * Called when the test must end without anyone asking: a User class threw StopTest while its
   * users were created, or (on a master) the last worker is gone. The argument says why.
   */
  onStopTest: ((reason: string) => void) | undefined;
  /** Ends the test but keeps the runner (another may start). */
  stop(): Promise<void>;
  /** Ends the test; the statistics are final from here on. */
  quit(): Promise<void>;
  registerMessage(type: string, listener: MessageListener): void;
  sendMessage(type: string, data?: unknown, clientId?: string): void;
}
