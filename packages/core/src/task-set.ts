import { taskId } from './running-task.ts';
import { InterruptTaskSet } from './errors.ts';
import type { TaskDef, TaskSource } from './task-list.ts';
import { TASKSET_BRAND, activeTasks, pickerFor } from './task-list.ts';
import type { TaskHolder } from './task-loop.ts';
import { runTaskLoop } from './task-loop.ts';
import type { User } from './user.ts';
import { userInternals } from './user-internals.ts';

type TaskSetClass = new (parent: TaskHolder) => TaskSet;

/**
 * A group of tasks a user runs until it calls `interrupt()` (Locust's TaskSet). Nest it in a
 * user's or another TaskSet's `tasks`. Its wait time falls back to the user's.
 */
export class TaskSet<TUser extends User = User> implements TaskHolder {
  static readonly [TASKSET_BRAND] = true;
  declare static tasks: TaskSource | undefined;

  readonly user: TUser;
  readonly parent: TaskHolder;
  readonly queue: TaskDef[] = [];

  constructor(parent: TaskHolder) {
    this.parent = parent;
    this.user = parent.user as TUser;
  }

  /** The user's client, so tasks in a TaskSet can write `this.client.get(...)`. */
  get client(): TUser extends { client: infer C } ? C : unknown {
    return (this.user as unknown as { client: TUser extends { client: infer C } ? C : unknown }).client;
  }

  get environment(): User['environment'] {
    return this.user.environment;
  }

  onStart(): unknown {
    return undefined;
  }

  onStop(): unknown {
    return undefined;
  }

  nextTask(): TaskDef | undefined {
    return pickerFor(this.constructor as TaskSetClass).pick();
  }

  scheduleTask(task: TaskDef['fn'], first = false): void {
    const def: TaskDef = { name: task.name, weight: 1, fn: task, isTaskSet: false, id: taskId(`${this.constructor.name}.${task.name}`) };
    if (first) this.queue.unshift(def);
    else this.queue.push(def);
  }

  /** Leaves this TaskSet; the parent picks its next task at once (or after a wait). */
  interrupt(reschedule = true): never {
    throw new InterruptTaskSet(reschedule);
  }

  /** Sleeps on the user's clock. */
  sleep(seconds: number): Promise<void> {
    return this.user.sleep(seconds);
  }

  run(): Promise<void> {
    return runTaskLoop(this, userInternals(this.user), spawnTaskSet, true);
  }
}

/**
 * Runs tasks in declaration order, cycling (Locust's SequentialTaskSet). A weight-N task runs N
 * times in a row.
 */
export class SequentialTaskSet<TUser extends User = User> extends TaskSet<TUser> {
  #index = 0;
  #order: TaskDef[] | undefined;

  override nextTask(): TaskDef | undefined {
    this.#order ??= activeTasks(this.constructor as TaskSetClass).flatMap((t) => Array<TaskDef>(t.weight).fill(t));
    if (this.#order.length === 0) return undefined;
    const task = this.#order[this.#index % this.#order.length];
    this.#index++;
    return task;
  }
}

export function spawnTaskSet(cls: TaskDef['fn'], parent: TaskHolder): TaskSet {
  return new (cls as unknown as TaskSetClass)(parent);
}
