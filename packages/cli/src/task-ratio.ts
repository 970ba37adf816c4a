import type { UserClass } from '@locusta/core';
import { activeTasks } from '@locusta/core';

export interface RatioNode {
  ratio: number;
  tasks?: Record<string, RatioNode>;
}

/** Users per class for the ratio report (Locust's _calc_distribution). */
function distribution(classes: UserClass[], users: number | undefined): Record<string, number> {
  const fixed = classes.reduce((s, c) => s + (c.fixedCount || 0), 0);
  const totalWeight = classes.filter((c) => !c.fixedCount).reduce((s, c) => s + c.weight, 0);
  const n = users || (fixed ? 1 : totalWeight);
  const weighted = Math.max(0, n - fixed);
  const out: Record<string, number> = {};
  for (const c of classes) out[c.name] = Math.round(c.fixedCount || (c.weight / totalWeight) * weighted);
  return out;
}

// Per class (`total` false) every level starts over at 1, so a TaskSet's tasks sum to 1 as in
// Locust's _get_task_ratio; in total each level is scaled by its parent's share.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function taskRatios(holder: Function, parentRatio: number, inTotal: boolean): Record<string, RatioNode> {
  const tasks = activeTasks(holder).filter((t) => t.weight > 0);
  const total = tasks.reduce((s, t) => s + t.weight, 0) || 1;
  const out: Record<string, RatioNode> = {};
  for (const t of tasks) {
    const ratio = (out[t.name]?.ratio ?? 0) + (t.weight * parentRatio) / total;
    const node: RatioNode = { ratio };
    if (t.isTaskSet) node.tasks = taskRatios(t.fn, inTotal ? ratio : 1, inTotal);
    out[t.name] = node;
  }
  return out;
}

/** Per class (`total` false: each class's tasks sum to 1) or overall (`total` true). */
export function getRatio(classes: UserClass[], users: number | undefined, total: boolean): Record<string, RatioNode> {
  const spawned = distribution(classes, users);
  const count = Object.values(spawned).reduce((a, b) => a + b, 0) || 1;
  const out: Record<string, RatioNode> = {};
  for (const c of classes) {
    const ratio = (spawned[c.name] ?? 0) / count;
    out[c.name] = { ratio, tasks: taskRatios(c, total ? ratio : 1, total) };
  }
  return out;
}

function lines(node: Record<string, RatioNode>, level = 0): string[] {
  const pad = '  '.repeat(level);
  const out: string[] = [];
  for (const [name, v] of Object.entries(node)) {
    const pct = (v.ratio * 100).toFixed(1).padEnd(6);
    out.push(` ${(pad + pct).padEnd(10)} ${(pad + name).padEnd(50)}`);
    if (v.tasks) out.push(...lines(v.tasks, level + 1));
  }
  return out;
}

/** The text of `--show-task-ratio`, in Locust's layout. */
export function taskRatioText(classes: UserClass[], users: number | undefined): string {
  return [
    '',
    ' Task ratio per User class',
    '-'.repeat(80),
    ...lines(getRatio(classes, users, false)),
    '',
    ' Total task ratio',
    '-'.repeat(80),
    ...lines(getRatio(classes, users, true)),
    '',
  ].join('\n');
}

export function taskRatioJson(classes: UserClass[], users: number | undefined): string {
  return JSON.stringify({ per_class: getRatio(classes, users, false), total: getRatio(classes, users, true) }, null, 4);
}
