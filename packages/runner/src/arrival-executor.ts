import type { TaskGate, User, UserClass } from '@locusta/core';
import type { ScheduleStats } from '@locusta/stats';
import type { ArrivalPlan } from './arrival-schedule.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import type { UserPool } from './user-pool.ts';
import { weightedSequence } from './weighted-sequence.ts';

/** One process's part of an arrival-rate run. */
export interface ArrivalShare {
  plan: ArrivalPlan;
  /** This process takes the arrivals j ≡ index (mod count) of the global schedule. */
  index: number;
  count: number;
  /** Most users this process may start to take its arrivals. */
  maxUsers: number;
  /** Seconds of the schedule already gone (a re-split while running starts mid-schedule). */
  elapsed: number;
}

/**
 * Starts iterations (one task run each) at the times of an ArrivalSchedule, whatever the target's
 * response times: the open workload model. Each arrival goes to a free (parked) user of the
 * class its turn picks by weight; with none free a new user starts, up to the maximum; past the
 * maximum the arrival is dropped and counted. Users are started on demand, so their onStart runs
 * inside the first arrival they take (its lag shows it).
 */
export class ArrivalExecutor {
  readonly #pool: UserPool;
  readonly #schedule: ScheduleStats;
  readonly #idle = new Map<string, Array<{ user: User; resume: (t: number) => void }>>();
  readonly #classes: Map<string, UserClass>;
  readonly #order: Generator<string | undefined, never>;
  #arrivals: ArrivalSchedule | undefined;
  #next: { seq: number; time: number } | null = null;
  #t0 = 0;
  #maxUsers = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(pool: UserPool, schedule: ScheduleStats, classes: UserClass[]) {
    this.#pool = pool;
    this.#schedule = schedule;
    this.#classes = new Map(classes.map((c) => [c.name, c]));
    this.#order = weightedSequence(classes.map((c) => [c.name, c.weight] as const));
  }

  /** Starts (or re-splits) this process's share; parked users are kept. */
  start(share: ArrivalShare): void {
    this.stop();
    const arrivals = new ArrivalSchedule(share.plan, share.index, share.count);
    let next = arrivals.next();
    // Arrivals before `elapsed` belonged to the previous split.
    while (next && next.time < share.elapsed) next = arrivals.next();
    this.#arrivals = arrivals;
    this.#next = next;
    this.#t0 = performance.now() - share.elapsed * 1000;
    this.#maxUsers = share.maxUsers;
    this.#tick();
  }

  /** No more arrivals; the users are the pool's to stop. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#arrivals = undefined;
    this.#next = null;
  }

  #tick = (): void => {
    const arrivals = this.#arrivals;
    if (!arrivals) return;
    const now = performance.now();
    let next = this.#next;
    while (next && this.#t0 + next.time * 1000 <= now) {
      this.#arrive(this.#t0 + next.time * 1000);
      next = arrivals.next();
    }
    this.#next = next;
    if (next) this.#timer = setTimeout(this.#tick, Math.max(0, this.#t0 + next.time * 1000 - performance.now()));
  };

  #arrive(intended: number): void {
    const name = this.#order.next().value;
    const cls = name === undefined ? undefined : this.#classes.get(name);
    if (!cls) return;
    const idle = this.#idle.get(cls.name);
    while (idle && idle.length > 0) {
      const parked = idle.pop()!;
      if (parked.user.killed || parked.user.state === 'stopped') continue;
      parked.resume(intended);
      return;
    }
    if (this.#pool.count < this.#maxUsers && this.#pool.spawnGated(cls, this.#gate(intended))) return;
    this.#schedule.drop();
  }

  #gate(first: number): TaskGate {
    return {
      first,
      park: (user, resume) => {
        const name = user.constructor.name;
        let list = this.#idle.get(name);
        if (!list) this.#idle.set(name, (list = []));
        list.push({ user, resume });
      },
    };
  }

  /** Users parked, waiting for an arrival. */
  get idleCount(): number {
    let n = 0;
    for (const list of this.#idle.values()) n += list.length;
    return n;
  }
}
