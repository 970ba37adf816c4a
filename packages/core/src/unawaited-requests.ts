import type { Logger } from './logger.ts';

/**
 * The requests a user's current task sent and that are not settled yet, kept by the HTTP client
 * on the user under this key. The task loop reads it when a task returns: a request still in
 * flight then was not awaited (a forgotten `await`), and a user that forgets it in every task
 * sends requests without pause. The loop sets it back to 0 and bumps TASK_SEQ at each task, so
 * that a late request of an earlier task does not count against the next one.
 */
export const PENDING_REQUESTS: unique symbol = Symbol('locusta.pendingRequests');

/** The number of the user's current task: a request settles its count only within its own task. */
export const TASK_SEQ: unique symbol = Symbol('locusta.taskSeq');

/**
 * Set by a client on the user when its current task got a response from the network. Such a
 * task went back to the event loop while it waited, so a zero wait after it need not yield once
 * more (a setImmediate, a promise and a closure per task, a share of a closed loop's CPU); a
 * task that awaited no I/O still yields at every zero wait, so it cannot starve the event loop.
 * The task loop clears it as each task starts.
 */
export const AWAITED_IO: unique symbol = Symbol('locusta.awaitedIo');

/**
 * The requests found in flight when their task returned, for the whole run: one warning per
 * task, and a total for the final summary, since such a run's load is not what its users say.
 */
export class UnawaitedRequests {
  #total = 0;
  readonly #tasks = new Set<string>();

  get total(): number {
    return this.#total;
  }

  /** The tasks that returned with requests in flight, as `Class.task`, in the order found. */
  get tasks(): string[] {
    return [...this.#tasks];
  }

  /** `count` requests of `task` were in flight when it returned. */
  note(task: string, count: number, logger: Logger): void {
    this.#total += count;
    if (this.#tasks.has(task)) return;
    this.#tasks.add(task);
    logger.warn(
      `${task}: ${count} request(s) still in flight when the task returned: a missing await? Those requests are not paced by the wait time, so the load is not what the users say (warned once per task)`,
    );
  }

  #sentTotal = 0;
  #sentTasks = 0;

  /**
   * What was found since the last call, for a worker's report: the master adds it up with
   * `merge`, so that its summary tells of the workers' missing awaits too.
   */
  takeDelta(): UnawaitedDelta | undefined {
    if (this.#total === this.#sentTotal) return undefined;
    const tasks = this.tasks.slice(this.#sentTasks);
    const delta = { requests: this.#total - this.#sentTotal, tasks };
    this.#sentTotal = this.#total;
    this.#sentTasks += tasks.length;
    return delta;
  }

  /** Adds a worker's delta (checked by the master's report check). */
  merge(delta: UnawaitedDelta): void {
    this.#total += delta.requests;
    for (const task of delta.tasks) this.#tasks.add(task);
  }

  /** The final summary's line, or undefined when every request was awaited. */
  summary(): string | undefined {
    if (this.#total === 0) return undefined;
    return `WARNING: ${this.#total} requests were still in flight when their task returned (a missing await in ${this.tasks.join(', ')}): the load of this run cannot be trusted`;
  }
}

/** The missing awaits a worker found since its last report. */
export interface UnawaitedDelta {
  requests: number;
  tasks: string[];
}
