import type { TaskDef } from './task-list.ts';
import { activeTasks, declaredTasks, filterTasksByTags } from './task-list.ts';

// User and TaskSet classes alike.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type AnyClass = Function;

const runnable = (tasks: TaskDef[]) => tasks.filter((t) => t.weight > 0);

/**
 * The problem of the first class that could run nothing, in Locust's words ("No tasks defined
 * on X. ..."): a User class, or a TaskSet one reaches, without a task of weight > 0, or a User
 * class left without one by `--tags` / `--exclude-tags`. Locust finds this when a user picks its
 * first task, after the test started; checked before the start, a test that would make no
 * request does not run at all. Applies the tag filters (as the runner does at the start).
 */
export function missingTasks(
  classes: readonly AnyClass[],
  tags?: readonly string[],
  excludeTags?: readonly string[],
): string | undefined {
  const seen = new Set<AnyClass>();
  const visit = (cls: AnyClass, kind: 'User' | 'TaskSet'): string | undefined => {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    const tasks = runnable(declaredTasks(cls));
    if (tasks.length === 0) {
      const hint = kind === 'User' ? ' (or set static abstract = true if you only intend to subclass it)' : '';
      return `No tasks defined on ${cls.name}. Use the @task decorator or set the 'tasks' attribute of the ${kind}${hint}`;
    }
    for (const t of tasks) {
      const problem = t.isTaskSet ? visit(t.fn, 'TaskSet') : undefined;
      if (problem) return problem;
    }
    return undefined;
  };
  for (const cls of classes) {
    const problem = visit(cls, 'User');
    if (problem) return problem;
  }
  if (!tags && !excludeTags) return undefined;
  filterTasksByTags(classes, tags, excludeTags);
  const list = (flag: string, names: readonly string[]) => (names.length > 0 ? `${flag} ${names.join(' ')}` : `${flag} with no tag`);
  const filters = [tags && list('--tags', tags), excludeTags && list('--exclude-tags', excludeTags)].filter(Boolean);
  for (const cls of classes) {
    if (runnable(activeTasks(cls)).length === 0) {
      return `No tasks defined on ${cls.name}: it had no tasks left after filtering (${filters.join(', ')})`;
    }
  }
  return undefined;
}
