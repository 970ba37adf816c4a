import { taskId } from './running-task.ts';
import { LocustaError } from './errors.ts';
import { tagsOf, taskWeightOf } from './task.ts';

/** Brand of TaskSet classes, so a task list can tell a nested TaskSet from a function. */
export const TASKSET_BRAND = Symbol.for('locusta.taskSet');

// Task functions and TaskSet/User classes alike: anything callable or constructible.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type AnyFn = Function;

/** A static `tasks` declaration: a list of functions / TaskSet classes (optionally `[task, weight]`), or `{ methodName: weight }`. */
export type TaskSource = ReadonlyArray<AnyFn | readonly [AnyFn, number]> | Readonly<Record<string, number>>;

export interface TaskDef {
  readonly name: string;
  readonly weight: number;
  /** The function to call with `this` bound to the user or TaskSet, or a TaskSet class to run. */
  readonly fn: AnyFn;
  readonly isTaskSet: boolean;
  /** Names the task to the watchdog of a blocked event loop (see running-task.ts). */
  readonly id?: number;
}

export function isTaskSetClass(fn: unknown): boolean {
  return typeof fn === 'function' && TASKSET_BRAND in fn;
}

const declared = new WeakMap<object, TaskDef[]>();
const filtered = new WeakMap<object, TaskDef[]>();

function def(fn: AnyFn, weight: number, cls: { name: string }): TaskDef {
  if (typeof fn !== 'function') {
    throw new LocustaError('LOCUSTA_ERR_TASKS', `${cls.name}.tasks holds ${String(fn)}, which is not a function or TaskSet`);
  }
  if (!Number.isInteger(weight) || weight < 0) {
    throw new LocustaError('LOCUSTA_ERR_TASKS', `${cls.name}: task ${fn.name} has weight ${weight}; need an integer >= 0`);
  }
  const name = fn.name || '<anonymous>';
  return { name, weight, fn, isTaskSet: isTaskSetClass(fn), id: taskId(`${cls.name}.${name}`) };
}

/**
 * The tasks a User or TaskSet class declares, as Locust collects them: the parent's tasks,
 * then the class's own static `tasks`, then its own `@task` methods in declaration order.
 * A subclass never changes its parent's list.
 */
export function declaredTasks(cls: AnyFn): TaskDef[] {
  const cached = declared.get(cls);
  if (cached) return cached;
  const parent = Object.getPrototypeOf(cls) as AnyFn;
  const list: TaskDef[] = parent && parent !== Function.prototype ? [...declaredTasks(parent)] : [];
  if (Object.hasOwn(cls, 'tasks')) {
    const source = (cls as unknown as { tasks?: TaskSource }).tasks;
    if (Array.isArray(source)) {
      for (const entry of source as ReadonlyArray<AnyFn | readonly [AnyFn, number]>) {
        if (Array.isArray(entry)) list.push(def(entry[0] as AnyFn, entry[1] as number, cls));
        else list.push(def(entry as AnyFn, 1, cls));
      }
    } else if (source && typeof source === 'object') {
      for (const [method, weight] of Object.entries(source)) {
        const fn = (cls.prototype as Record<string, unknown>)[method];
        if (typeof fn !== 'function') {
          throw new LocustaError('LOCUSTA_ERR_TASKS', `${cls.name}.tasks names '${method}', which is not a method of ${cls.name}`);
        }
        list.push({ ...def(fn as AnyFn, weight, cls), name: method });
      }
    }
  }
  const proto = cls.prototype as object | undefined;
  if (proto) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      const weight = taskWeightOf(desc?.value);
      if (weight !== undefined) {
        if (key === 'onStart' || key === 'onStop') {
          throw new LocustaError('LOCUSTA_ERR_TASKS', `${cls.name}.${key} is a lifecycle hook and cannot be a @task`);
        }
        list.push({ ...def(desc!.value as AnyFn, weight, cls), name: key });
      }
    }
  }
  declared.set(cls, list);
  return list;
}

/** The tasks a class runs: its declared tasks, narrowed by `filterTasksByTags` if it was called. */
export function activeTasks(cls: AnyFn): TaskDef[] {
  return filtered.get(cls) ?? declaredTasks(cls);
}

function hasAny(tags: Set<string> | undefined, wanted: ReadonlySet<string>): boolean {
  if (!tags) return false;
  for (const t of tags) if (wanted.has(t)) return true;
  return false;
}

/**
 * Applies `--tags` / `--exclude-tags` to classes and the TaskSets inside them (Locust's
 * _filter_tasks_by_tags). A tag on a TaskSet class counts for every task inside it. Returns the
 * names of classes left with no tasks.
 */
export function filterTasksByTags(classes: Iterable<AnyFn>, tags?: readonly string[], excludeTags?: readonly string[]): string[] {
  const include = tags ? new Set(tags) : undefined;
  const exclude = excludeTags ? new Set(excludeTags) : undefined;
  const emptied: string[] = [];
  const visit = (cls: AnyFn, inherited: Set<string>): void => {
    const kept: TaskDef[] = [];
    for (const t of declaredTasks(cls)) {
      const own = new Set([...inherited, ...(tagsOf(t.fn) ?? [])]);
      let passing: boolean;
      if (t.isTaskSet) {
        visit(t.fn, own);
        // A TaskSet left with only weight-0 tasks could never pick one either.
        passing = activeTasks(t.fn).some((inner) => inner.weight > 0);
      } else {
        passing = true;
        if (include) passing &&= hasAny(own, include);
        if (exclude) passing &&= !hasAny(own, exclude);
      }
      if (passing) kept.push(t);
    }
    filtered.set(cls, kept);
    if (kept.length === 0) emptied.push(cls.name);
  };
  bumpTaskGeneration();
  // Without filters the visit keeps every task, which also clears an earlier filtering.
  for (const cls of classes) visit(cls, new Set(tagsOf(cls) ?? []));
  return include || exclude ? emptied : [];
}

/** Picks tasks at random in proportion to their weights. */
export class TaskPicker {
  /** The task lists' generation this picker was built for (see pickerFor). */
  generation = -1;
  readonly #tasks: TaskDef[];
  readonly #cumulative: number[];
  readonly #total: number;

  constructor(tasks: TaskDef[]) {
    this.#tasks = tasks.filter((t) => t.weight > 0);
    let sum = 0;
    this.#cumulative = this.#tasks.map((t) => (sum += t.weight));
    this.#total = sum;
  }

  get size(): number {
    return this.#tasks.length;
  }

  pick(): TaskDef | undefined {
    const tasks = this.#tasks;
    if (tasks.length <= 1) return tasks[0];
    const r = Math.random() * this.#total;
    const cum = this.#cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return tasks[lo];
  }
}

const pickers = new WeakMap<object, TaskPicker>();

/** The picker of a class's active tasks, built once per class (reset by filterTasksByTags). */
export function pickerFor(cls: AnyFn): TaskPicker {
  let picker = pickers.get(cls);
  // The generation is kept on the picker: one map lookup per task, not two.
  if (!picker || picker.generation !== generation) {
    picker = new TaskPicker(activeTasks(cls));
    picker.generation = generation;
    pickers.set(cls, picker);
  }
  return picker;
}

let generation = 0;
/** Invalidates cached pickers after the task lists change. */
function bumpTaskGeneration(): void {
  generation++;
}
