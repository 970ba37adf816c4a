import type { LogBuffer } from '../log-buffer.ts';
import { tasksReport } from '../task-ratios.ts';
import type { WebRunner } from '../web-runner.ts';
import { ACTIVE_WORKER_STATES } from '@locusta/runner';

/** Locust's `/exceptions`: rows in the order first seen, nodes joined with ", ". */
export function exceptionsReport(runner: WebRunner): { exceptions: Array<Record<string, string | number>> } {
  return {
    exceptions: runner.exceptions.entries().map((e) => ({ count: e.count, msg: e.msg, traceback: e.traceback, nodes: [...e.nodes].join(', ') })),
  };
}

/** Locust's `/tasks`. */
export function tasksInfo(runner: WebRunner): ReturnType<typeof tasksReport> {
  return tasksReport(runner.userClasses());
}

/** Locust's `/logs`: this process's recent lines and each worker's. */
export function logsReport(logs: LogBuffer | undefined, workerLogs?: () => Record<string, string[]>): { master: string[]; workers: Record<string, string[]> } {
  return { master: logs?.lines() ?? [], workers: workerLogs?.() ?? {} };
}

/** Locust's `/worker-count`: workers that can take users; 0 when not a master. */
export function workerCount(runner: WebRunner): { worker_count: number } {
  return { worker_count: runner.workers ? runner.workers().filter((w) => ACTIVE_WORKER_STATES.has(w.state)).length : 0 };
}
