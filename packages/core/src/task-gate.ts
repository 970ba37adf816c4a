import type { User } from './user.ts';

/**
 * Decides when a user's tasks start, in place of its wait time: the runner's arrival-rate mode
 * hands each arrival to a parked user. Set on a user (`user[TASK_GATE] = gate`) before it runs.
 */
export interface TaskGate {
  /** Intended start (performance.now() ms) of the first task, which runs right after onStart. */
  readonly first: number;
  /**
   * The user finished a task and is ready for another: the gate calls `resume(intendedStart)`
   * when the next arrival is due for it. A kill ends the parking without a resume.
   */
  park(user: User, resume: (intendedStart: number) => void): void;
}

export const TASK_GATE: unique symbol = Symbol('locusta.taskGate');
