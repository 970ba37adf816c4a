import { Worker } from 'node:worker_threads';
import { runningTaskBuffer, taskNames } from '@locusta/core';
import { usageError } from './errors.ts';
import type { WatchdogSnapshot } from './watchdog-thread.ts';

/** Seconds the event loop may stay blocked before the watchdog ends the process. */
const DEFAULT_BLOCKED_LIMIT = 15;

/** How often the main thread proves it is alive. */
const HEARTBEAT_MS = 250;

/** `LOCUSTA_BLOCKED_LIMIT`: seconds, 0 to turn the watchdog off. */
export function blockedLimit(env: NodeJS.ProcessEnv): number {
  const raw = env['LOCUSTA_BLOCKED_LIMIT'];
  if (raw === undefined || raw === '') return DEFAULT_BLOCKED_LIMIT;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw usageError(`LOCUSTA_BLOCKED_LIMIT: invalid value '${raw}': seconds, 0 to turn the watchdog off`);
  return n;
}

/**
 * Ends the process when user code blocks the event loop (a task stuck in `while (true) {}`
 * ignores the run time, SIGINT and SIGTERM: only SIGKILL would end it). A worker thread, which
 * the blocked loop cannot stop, watches a heartbeat the main thread bumps in shared memory; past
 * the limit it prints the last summary it was handed and the last task started, and kills the
 * process. The CSV files are those the CSV writer wrote in the last second.
 */
export class Watchdog {
  readonly #thread: Worker;
  readonly #heartbeat = new Int32Array(new SharedArrayBuffer(4));
  readonly #timer: NodeJS.Timeout;
  #namesSent = 0;

  constructor(limitSeconds: number) {
    this.#thread = new Worker(new URL('./watchdog-thread.js', import.meta.url), {
      workerData: { heartbeat: this.#heartbeat.buffer, runningTask: runningTaskBuffer(), limitMs: limitSeconds * 1000 },
      // It holds a few strings: a small heap keeps its share of the process's memory small.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, codeRangeSizeMb: 4 },
    });
    // Neither the thread nor the heartbeat may keep the process alive.
    this.#thread.unref();
    this.#timer = setInterval(() => {
      Atomics.add(this.#heartbeat, 0, 1);
      // Users spawned since hold new tasks: the thread must be able to name them.
      if (taskNames().length !== this.#namesSent) this.update({});
    }, HEARTBEAT_MS);
    this.#timer.unref();
    this.update({});
  }

  /** Hands over the summary as it stands, and any task names registered since the last call. */
  update(snapshot: WatchdogSnapshot): void {
    const names = taskNames();
    const grew = names.length !== this.#namesSent;
    this.#namesSent = names.length;
    this.#thread.postMessage(grew ? { ...snapshot, taskNames: names } : snapshot);
  }

  stop(): void {
    clearInterval(this.#timer);
    void this.#thread.terminate();
  }
}
