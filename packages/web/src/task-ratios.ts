import type { UserClass } from '@locusta/core';
import { activeTasks } from '@locusta/core';
import type { TaskRatios, WebUserClass } from './web-runner.ts';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function ratiosOf(holder: Function): TaskRatios {
  const tasks = activeTasks(holder).filter((t) => t.weight > 0);
  const total = tasks.reduce((sum, t) => sum + t.weight, 0) || 1;
  const out: TaskRatios = {};
  for (const t of tasks) {
    // The same task listed twice adds up, as Locust counts repetitions in its task list.
    const node = { ratio: (out[t.name]?.ratio ?? 0) + t.weight / total } as TaskRatios[string];
    if (t.isTaskSet) node.tasks = ratiosOf(t.fn);
    out[t.name] = node;
  }
  return out;
}

/** `WebUserClass` descriptions of classes, given the users running per class. */
export function describeUserClasses(classes: readonly UserClass[], running: Record<string, number>): WebUserClass[] {
  return classes.map((c) => ({ name: c.name, userCount: running[c.name] ?? 0, tasks: ratiosOf(c) }));
}

type RatioTree = Record<string, { ratio: number; tasks: TaskRatios }>;

function scaled(tasks: TaskRatios, factor: number): TaskRatios {
  const out: TaskRatios = {};
  for (const [name, node] of Object.entries(tasks)) {
    const ratio = node.ratio * factor;
    out[name] = node.tasks ? { ratio, tasks: scaled(node.tasks, ratio) } : { ratio };
  }
  return out;
}

/**
 * Locust's `/tasks` answer: `per_class` gives each class's share of the running users and its
 * tasks' shares within the class; `total` scales every task by its class's (and TaskSet's) share.
 */
export function tasksReport(classes: readonly WebUserClass[]): { per_class: RatioTree; total: RatioTree } {
  const users = classes.reduce((sum, c) => sum + c.userCount, 0) || 1;
  const perClass: RatioTree = {};
  const total: RatioTree = {};
  for (const c of classes) {
    const ratio = c.userCount / users;
    perClass[c.name] = { ratio, tasks: scaled(c.tasks, 1) };
    total[c.name] = { ratio, tasks: scaled(c.tasks, ratio) };
  }
  return { per_class: perClass, total };
}
