import { setTimeout as delay } from 'node:timers/promises';
import type { Logger, OutputExtension } from '@locusta/core';
import { messageOf } from '@locusta/core';
import type { ArrivalPlan } from '@locusta/runner';
import type { RequestStats } from '@locusta/stats';
import { takeMark, windowSince } from '@locusta/stats';
import type { SweepPoint, SweepPointKind } from './sweep-points.ts';
import { KNEE_RATE_SHORTFALL, findKnee, sweepRates, sweepShortfall } from './sweep-points.ts';

/** What a sweep drives: a local runner or a master. */
export interface SweepTarget {
  start(userCount: number, spawnRate: number): Promise<void>;
  startArrivals(plan: ArrivalPlan, maxUsers: number): Promise<void>;
}

export interface SweepOptions {
  /** Rates between the synchronous and the throughput point. */
  rates: number;
  /** -u: the throughput point's users, and the most a rate point may use. */
  maxUsers: number;
  /** Seconds each point sends. */
  time: number;
  /** Seconds after each point for its last requests to end (and, on a master, be reported). */
  drain: number;
  spacing: Pick<ArrivalPlan, 'spacing' | 'burstiness' | 'seed'>;
  /** The families whose `windowFigures` join each point. */
  extensions: () => readonly OutputExtension[];
  logger: Logger;
  /** The sweep is over: the run should end. */
  onEnd: (reason: string) => void;
}

/** Users start as fast as the runners allow without their warning (100 per second). */
const SPAWN_RATE = 100;

/**
 * GuideLLM's sweep on Locusta's runners: a synchronous point (one user, one request at a time)
 * measures the unloaded rate, a throughput point (-u users, no pause) the most the target
 * serves, then `rates` open-workload points evenly spaced up to that. Each point sends for
 * `time`, then sends nothing for `drain` so that its last requests end (and a master's workers
 * report them) before its window closes: the window of a point therefore holds exactly the
 * requests started in it, and the windows tile the run, so the points add up to the totals.
 * (A request slower than the drain lands in the next point's window: keep the drain above the
 * slowest response.) Closed users stop gracefully: they finish the task they are in.
 */
export class SweepRunner {
  readonly points: SweepPoint[] = [];
  readonly #target: SweepTarget;
  readonly #stats: RequestStats;
  readonly #o: SweepOptions;
  readonly #abort = new AbortController();
  /** Called with every point once judged (a hook for other per-point figures and live views). */
  readonly onPoint: Array<(point: SweepPoint) => void> = [];

  constructor(target: SweepTarget, stats: RequestStats, options: SweepOptions) {
    this.#target = target;
    this.#stats = stats;
    this.#o = options;
  }

  async run(): Promise<void> {
    const o = this.#o;
    try {
      const sync = await this.#point('synchronous', null, 1, () => this.#target.start(1, SPAWN_RATE), () => this.#target.start(0, SPAWN_RATE));
      if (!sync) return;
      if (sync.requests === 0) {
        o.onEnd('Sweep stopped: the synchronous point made no requests, shutting down');
        return;
      }
      const users = o.maxUsers;
      const top = await this.#point('throughput', null, users, () => this.#target.start(users, SPAWN_RATE), () => this.#target.start(0, SPAWN_RATE));
      if (!top) return;
      for (const rate of sweepRates(sync.achieved, top.achieved, o.rates)) {
        const plan = (r: number): ArrivalPlan => ({ rate: r, stages: [], ...o.spacing });
        const point = await this.#point('rate', rate, users, () => this.#target.startArrivals(plan(rate), users), () => this.#target.startArrivals(plan(0), users));
        if (!point) return;
      }
      o.onEnd(`Sweep done (${this.points.length} points; ${findKnee(this.points).line}), shutting down`);
    } catch (err) {
      if (this.#abort.signal.aborted) return;
      o.logger.error(`Sweep failed: ${messageOf(err)}`);
      o.onEnd('Sweep failed, shutting down');
    }
  }

  /** Runs one point: send for `time`, stop, drain, judge. Undefined when the sweep was stopped. */
  async #point(kind: SweepPointKind, offered: number | null, users: number, begin: () => Promise<void>, end: () => Promise<void>): Promise<SweepPoint | undefined> {
    const o = this.#o;
    const signal = this.#abort.signal;
    const index = this.points.length + 1;
    const what = offered === null ? `${kind}, ${users} user${users === 1 ? '' : 's'}` : `${offered.toFixed(2)} per second`;
    o.logger.info(`Sweep point ${index}: ${what}`);
    const mark = takeMark(this.#stats);
    const marks = o.extensions().map((ext) => [ext, ext.windowMark?.()] as const);
    const started = performance.now();
    await begin();
    if (signal.aborted) return undefined;
    await delay(Math.max(0, o.time * 1000 - (performance.now() - started)), undefined, { signal });
    await end();
    await delay(o.drain * 1000, undefined, { signal });
    const window = windowSince(this.#stats, mark);
    const t = window.total;
    const [p50 = 0, p90 = 0, p99 = 0] = t.responseTimePercentiles([0.5, 0.9, 0.99]);
    const figures: Record<string, number | null> = {};
    for (const [ext, extMark] of marks) {
      if (!ext.windowFigures) continue;
      for (const [key, value] of Object.entries(ext.windowFigures(extMark, o.time))) figures[`${ext.name}.${key}`] = value;
    }
    const point: SweepPoint = {
      index, kind, offered, users, start: window.start, end: window.end, seconds: o.time, requests: t.numRequests, failures: t.numFailures,
      achieved: t.numRequests / o.time, p50, p90, p99, failRatio: t.failRatio,
      shortfall: offered === null ? KNEE_RATE_SHORTFALL : sweepShortfall(this.#cv, offered, o.time), figures,
    };
    this.points.push(point);
    o.logger.info(
      `Sweep point ${index}: ${offered === null ? kind : `${offered.toFixed(2)}/s offered`}, ${point.achieved.toFixed(2)} req/s achieved, ` +
        `p50 ${Math.round(p50)} ms, p99 ${Math.round(p99)} ms, ${(point.failRatio * 100).toFixed(2)}% failed`,
    );
    for (const hook of this.onPoint) hook(point);
    return point;
  }

  /** The coefficient of variation of the gaps between arrivals. */
  get #cv(): number {
    const s = this.#o.spacing;
    return s.spacing === 'even' ? 0 : s.spacing === 'poisson' ? 1 : 1 / Math.sqrt(s.burstiness ?? 1);
  }

  /** Stops the sweep (the run ends for another reason); an unfinished point is not judged. */
  stop(): void {
    this.#abort.abort();
  }
}
