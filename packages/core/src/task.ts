import { LocustaError } from './errors.ts';

/** Marks on task functions and TaskSet classes, under global symbols so copies agree. */
const TASK_WEIGHT = Symbol.for('locusta.taskWeight');
const TAGS = Symbol.for('locusta.tags');

type Fn = (...args: never[]) => unknown;
type Marked = { [TASK_WEIGHT]?: number; [TAGS]?: Set<string> };

function markTask(fn: unknown, weight: number): void {
  if (typeof fn !== 'function') throw new TypeError('@task applies to methods only');
  if (!Number.isInteger(weight) || weight < 0) {
    throw new LocustaError('LOCUSTA_ERR_TASKS', `@task(${weight}): the weight must be an integer >= 0`);
  }
  (fn as Marked)[TASK_WEIGHT] = weight;
}

function isDecoratorContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/**
 * Declares a method as a task, `@task` or `@task(weight)` (Locust's @task): a weight-N task is
 * picked N times as often. Works as a TC39 decorator and as a legacy (experimentalDecorators)
 * one.
 */
export function task<T extends Fn>(value: T, context: ClassMethodDecoratorContext): void;
export function task(weight?: number): <T extends Fn>(value: T, context: ClassMethodDecoratorContext) => void;
export function task(target: object, key: string | symbol, descriptor: PropertyDescriptor): void;
export function task(...args: unknown[]): unknown {
  const [first, second, third] = args;
  if (typeof first === 'function' && isDecoratorContext(second)) {
    markTask(first, 1);
    return undefined;
  }
  if (typeof first === 'object' && first !== null && third && typeof third === 'object') {
    markTask((third as PropertyDescriptor).value, 1);
    return undefined;
  }
  const weight = first === undefined ? 1 : Number(first);
  return (value: unknown, ctx: unknown, descriptor?: PropertyDescriptor) => {
    markTask(descriptor && !isDecoratorContext(ctx) ? descriptor.value : value, weight);
  };
}

/**
 * Tags a task method or a TaskSet class (Locust's @tag): `--tags` keeps tasks with at least one
 * of the given tags, `--exclude-tags` drops tasks with any of them. A tag on a TaskSet applies to
 * every task inside it.
 */
export function tag(...names: string[]) {
  return (value: unknown, ctx?: unknown, descriptor?: PropertyDescriptor): void => {
    const target = (descriptor && !isDecoratorContext(ctx) ? descriptor.value : value) as Marked;
    if (typeof target !== 'function') throw new TypeError('@tag applies to methods and TaskSet classes');
    const own = Object.hasOwn(target, TAGS) ? target[TAGS]! : new Set<string>();
    for (const n of names) own.add(n);
    (target as Marked)[TAGS] = own;
  };
}

export function taskWeightOf(fn: unknown): number | undefined {
  return typeof fn === 'function' ? (fn as Marked)[TASK_WEIGHT] : undefined;
}

export function tagsOf(fn: unknown): Set<string> | undefined {
  return typeof fn === 'function' && Object.hasOwn(fn, TAGS) ? (fn as Marked)[TAGS] : undefined;
}
