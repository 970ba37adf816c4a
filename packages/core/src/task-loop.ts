import {
  InterruptTaskSet,
  LocustaError,
  isControlFlow,
  RescheduleTask,
  RescheduleTaskImmediately,
  StopTest,
  StopUser,
  UserKilled,
} from './errors.ts';
import type { TaskDef } from './task-list.ts';
import { PACING_LAG } from './wait-time.ts';
import { taskStarted } from './running-task.ts';
import { AWAITED_IO, PENDING_REQUESTS, TASK_SEQ } from './unawaited-requests.ts';
import type { User } from './user.ts';

/** What the loop needs of a User (its default task set) or of a TaskSet. */
export interface TaskHolder {
  readonly user: User;
  /** Queued tasks (scheduleTask); picked before random ones. */
  readonly queue: TaskDef[];
  nextTask(): TaskDef | undefined;
  onStart(): unknown;
  onStop(): unknown;
}

/** Hooks the user class provides the loop; kept off the public surface. */
export interface UserInternals {
  checkStopping(): void;
  /**
   * Waits `seconds`; `pacingLag` (ms) is set when the wait time keeps a schedule. Undefined when
   * there is nothing to wait for (a zero wait after a task that awaited I/O: see AWAITED_IO).
   */
  wait(seconds: number, pacingLag: number | undefined): Promise<void> | undefined;
  reportError(err: unknown, where: TaskHolder): void;
}

/**
 * The wait after a task: the holder's `waitTime` (a field such as `between(1, 3)` or a method);
 * a TaskSet without one uses its user's; a user without one waits 0 (Locust's constant(0)).
 * `waitTime` is deliberately not declared on User or TaskSet, so that subclasses may define it
 * as a field or a method without `override`, exactly as in Locust files.
 */
function waitTimeOf(holder: TaskHolder): number {
  const owner = waitOwnerOf(holder);
  return owner ? Number(owner.waitTime.call(owner)) : 0;
}

/** The holder whose waitTime applies: the TaskSet's own, else its user's. */
function waitOwnerOf(holder: TaskHolder): (TaskHolder & { waitTime: (this: unknown) => number }) | undefined {
  if (typeof (holder as { waitTime?: unknown }).waitTime === 'function') return holder as TaskHolder & { waitTime: () => number };
  return holder.user === (holder as unknown) ? undefined : waitOwnerOf(holder.user);
}

/** The lag a scheduled wait time (constantPacing) left for the next task, read after waitTimeOf. */
function pacingLagOf(holder: TaskHolder): number | undefined {
  return (waitOwnerOf(holder)?.waitTime as { [PACING_LAG]?: number } | undefined)?.[PACING_LAG];
}

type Spawner = (cls: TaskDef['fn'], parent: TaskHolder) => TaskHolder & { run(): Promise<void> };

/**
 * The task loop of Locust's TaskSet.run, shared by a User's default task set and by TaskSets:
 * pick or dequeue a task, run it, wait. RescheduleTaskImmediately skips the wait; any other error
 * that is not a control-flow signal is reported and the loop goes on (Locust's
 * catch_exceptions). StopUser, StopTest and kills end the loop. With `nested`, onStart/onStop run
 * here and an InterruptTaskSet becomes a reschedule for the parent.
 */
export async function runTaskLoop(holder: TaskHolder, internals: UserInternals, spawn: Spawner, nested: boolean): Promise<void> {
  try {
    if (nested) await holder.onStart();
    for (;;) {
      const task = holder.queue.shift() ?? holder.nextTask();
      // Reported as an error (Locust's LocustError), never a silent stop: the CLI refuses such
      // classes before the run, so this is a class changed or filtered afterwards.
      if (!task) throw new LocustaError('LOCUSTA_ERR_TASKS', `No tasks defined on ${holder.constructor.name}`);
      internals.checkStopping();
      const user = holder.user;
      user[TASK_SEQ]++;
      user[PENDING_REQUESTS] = 0;
      user[AWAITED_IO] = false;
      taskStarted(task.id ?? 0);
      try {
        // Run the task: call the function, or run a nested TaskSet until it is interrupted. Awaited
        // here rather than in an async helper, which cost a generator and a promise per task.
        await (task.isTaskSet ? spawn(task.fn, holder).run() : task.fn.call(holder));
      } catch (err) {
        if (err instanceof RescheduleTaskImmediately) continue;
        if (isControlFlow(err) && !(err instanceof RescheduleTask)) throw err;
        if (!(err instanceof RescheduleTask)) internals.reportError(err, holder);
      }
      // One number compared per task: the HTTP client keeps the count. Reset once noted, so that
      // a TaskSet's own task does not note again what its last inner task left.
      const pending = user[PENDING_REQUESTS];
      if (pending > 0) {
        user[PENDING_REQUESTS] = 0;
        user[TASK_SEQ]++;
        user.environment.unawaitedRequests.note(`${holder.constructor.name}.${task.name}`, pending, user.environment.logger);
      }
      const seconds = waitTimeOf(holder);
      // Not awaited when there is no wait: an await of nothing still costs a microtask turn.
      const waited = internals.wait(seconds, pacingLagOf(holder));
      if (waited !== undefined) await waited;
    }
  } catch (err) {
    if (nested && err instanceof InterruptTaskSet) {
      await holder.onStop();
      throw err.reschedule ? new RescheduleTaskImmediately() : new RescheduleTask();
    }
    if (nested && (err instanceof StopUser || err instanceof StopTest || err instanceof UserKilled)) {
      await holder.onStop();
    }
    throw err;
  }
}
