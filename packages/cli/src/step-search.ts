import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@locusta/core';
import type { RequestStats, Slo, StepResult } from '@locusta/stats';
import { formatSlo, stepResult, takeMark, windowSince } from '@locusta/stats';

export interface StepSearchOptions {
  /** Users added per step, and the most users (-u). */
  stepUsers: number;
  maxUsers: number;
  spawnRate: number;
  /** Seconds per step after its ramp, and the part of it left out of the window. */
  stepTime: number;
  settle: number;
  continueAfterFail: boolean;
  slos: readonly Slo[];
  logger: Logger;
  /** The search is over: the run should end. */
  onEnd: (reason: string) => void;
}

/** What a step search drives: a local runner or a master. */
export interface StepTarget {
  start(userCount: number, spawnRate: number): Promise<void>;
}

/**
 * The saturation search: step the users up by `stepUsers` to `maxUsers`; each step ramps, settles,
 * then is judged on its own window of the statistics (not the cumulative run) against the SLOs.
 * The first failing step is the saturation point: the search ends there unless told to go on.
 */
export class StepSearch {
  readonly results: StepResult[] = [];
  readonly #target: StepTarget;
  readonly #stats: RequestStats;
  readonly #o: StepSearchOptions;
  readonly #abort = new AbortController();

  constructor(target: StepTarget, stats: RequestStats, options: StepSearchOptions) {
    this.#target = target;
    this.#stats = stats;
    this.#o = options;
  }

  /** Runs the steps; resolves when the search ended or was stopped. */
  async run(): Promise<void> {
    const o = this.#o;
    const signal = this.#abort.signal;
    try {
      for (let step = 1, users = Math.min(o.stepUsers, o.maxUsers); ; step++, users = Math.min(users + o.stepUsers, o.maxUsers)) {
        o.logger.info(`Step ${step}: ramping to ${users} users`);
        await this.#target.start(users, o.spawnRate);
        if (signal.aborted) return;
        await delay(o.settle * 1000, undefined, { signal });
        const mark = takeMark(this.#stats);
        await delay((o.stepTime - o.settle) * 1000, undefined, { signal });
        const result = stepResult(step, users, windowSince(this.#stats, mark), o.slos);
        this.results.push(result);
        o.logger.info(
          `Step ${step}: ${users} users, ${result.rps.toFixed(2)} req/s, p50 ${Math.round(result.p50)} ms, p95 ${Math.round(result.p95)} ms, ` +
            `p99 ${Math.round(result.p99)} ms, ${(result.failRatio * 100).toFixed(2)}% failed: ${result.pass ? 'PASS' : `FAIL (${result.failed.join(', ')})`}`,
        );
        if (!result.pass && !o.continueAfterFail) {
          o.onEnd(`Saturation found at step ${step} (${users} users), shutting down`);
          return;
        }
        if (users >= o.maxUsers) {
          o.onEnd(`Last step (${users} users) done, shutting down`);
          return;
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  /** Stops the search (the run ends for another reason); an unfinished step is not judged. */
  stop(): void {
    this.#abort.abort();
  }

  /** The SLO the saturation line is about: the first one given. */
  get sloText(): string | undefined {
    const first = this.#o.slos[0];
    return first ? formatSlo(first) : undefined;
  }
}
