import { weightedSequence } from './weighted-sequence.ts';

/** The classes the dispatcher distributes (only what it needs of a User class). */
export interface DispatchClass {
  readonly name: string;
  readonly weight: number;
  readonly fixedCount: number;
}

/** Absolute user counts: worker id -> class name -> users. */
export type Distribution = Record<string, Record<string, number>>;

/** A step of a dispatch: a distribution to apply now, or a pause before the next one. */
export type DispatchStep = { users: Distribution } | { wait: number };

/**
 * Spreads users over workers the way Locust's UsersDispatcher does, so a Locust user sees the
 * same ramp: workers interleaved by host (the id's prefix before `_`), fixed-count classes
 * first, weighted classes in a KL-divergence order, users dealt to workers round-robin, ramps
 * of max(1, floor(rate)) users every that/rate seconds, ramp-down most recent first, and an
 * immediate rebalance step when a worker joins or leaves. Each step carries absolute counts.
 */
export class UsersDispatcher {
  #workers: string[] = [];
  #classes: DispatchClass[];
  readonly #originalClasses: DispatchClass[];
  #target = 0;
  #perIteration = 1;
  #waitBetween = 0;
  #users: Distribution;
  #current = 0;
  #classGen: Iterator<string | undefined>;
  #workerCursor = 0;
  #active: Array<[string, string]> = [];
  #inProgress = false;
  #rebalance = false;
  #tryFixed = true;
  #noUserToSpawn = false;
  #steps: Generator<DispatchStep, void> | undefined;
  readonly #now: () => number;

  constructor(workerIds: readonly string[], classes: readonly DispatchClass[], options: { now?: () => number } = {}) {
    if (classes.length === 0) throw new Error('no user classes to dispatch');
    this.#now = options.now ?? (() => performance.now() / 1000);
    this.#workers = sortWorkers(workerIds);
    this.#originalClasses = byName(classes);
    this.#classes = byName(classes);
    this.#users = this.#emptyDistribution();
    this.#classGen = this.#classSequence();
  }

  get dispatchInProgress(): boolean {
    return this.#inProgress;
  }

  get currentUserCount(): number {
    return this.#current;
  }

  get workers(): readonly string[] {
    return this.#workers;
  }

  /** Starts a new ramp towards `target` users at `spawnRate` users per second. */
  newDispatch(target: number, spawnRate: number, classes?: readonly DispatchClass[]): void {
    if (classes) {
      const sorted = byName(classes);
      if (sorted.map((c) => c.name).join() !== this.#classes.map((c) => c.name).join()) {
        this.#classes = sorted;
        this.#classGen = this.#classSequence();
      }
    }
    this.#target = target;
    this.#perIteration = Math.max(1, Math.floor(spawnRate));
    this.#waitBetween = this.#perIteration / spawnRate;
    this.#users = copy(this.#users);
    this.#current = count(this.#users);
    this.#steps = this.#dispatch();
  }

  /** The next step of the current ramp, or undefined when it is over. */
  next(): DispatchStep | undefined {
    const step = this.#steps?.next();
    if (!step || step.done) return undefined;
    return 'users' in step.value ? { users: copy(step.value.users) } : step.value;
  }

  addWorker(id: string): void {
    this.#workers = sortWorkers([...this.#workers, id]);
    this.#prepareRebalance();
  }

  removeWorker(id: string): void {
    this.#workers = this.#workers.filter((w) => w !== id);
    if (this.#workers.length === 0) return;
    this.#prepareRebalance();
  }

  *#dispatch(): Generator<DispatchStep, void> {
    this.#inProgress = true;
    try {
      if (this.#rebalance) {
        this.#rebalance = false;
        yield { users: this.#users };
        if (this.#current === this.#target) return;
      }
      if (this.#current === this.#target) {
        yield { users: this.#users };
        return;
      }
      while (this.#current < this.#target) {
        const t0 = this.#now();
        yield { users: this.#addUsers() };
        if (this.#rebalance) {
          this.#rebalance = false;
          yield { users: this.#users };
        }
        if (this.#noUserToSpawn) {
          this.#noUserToSpawn = false;
          break;
        }
        const pause = this.#pauseAfter(t0);
        if (pause !== undefined) yield { wait: pause };
      }
      while (this.#current > this.#target) {
        const t0 = this.#now();
        yield { users: this.#removeUsers() };
        if (this.#rebalance) {
          this.#rebalance = false;
          yield { users: this.#users };
        }
        const pause = this.#pauseAfter(t0);
        if (pause !== undefined) yield { wait: pause };
      }
    } finally {
      this.#inProgress = false;
    }
  }

  /** The pause before the next iteration, less the time this one took; none after the last. */
  #pauseAfter(t0: number): number | undefined {
    if (this.#current === this.#target) return undefined;
    return Math.max(0, this.#waitBetween - (this.#now() - t0));
  }

  #addUsers(): Distribution {
    const goal = Math.min(this.#current + this.#perIteration, this.#target);
    for (;;) {
      const cls = this.#classGen.next().value as string | undefined;
      if (!cls) {
        this.#noUserToSpawn = true;
        break;
      }
      const worker = this.#nextWorker();
      this.#users[worker]![cls]! += 1;
      this.#current++;
      this.#active.push([worker, cls]);
      if (this.#current >= goal) break;
    }
    return this.#users;
  }

  #removeUsers(): Distribution {
    const goal = Math.max(this.#current - this.#perIteration, this.#target);
    for (;;) {
      const last = this.#active.pop();
      if (!last) return this.#users;
      const [worker, cls] = last;
      const onWorker = this.#users[worker];
      if (onWorker && onWorker[cls] !== undefined) onWorker[cls] -= 1;
      this.#current--;
      this.#tryFixed = true;
      if (this.#current === 0 || this.#current <= goal) return this.#users;
    }
  }

  #nextWorker(): string {
    const worker = this.#workers[this.#workerCursor % this.#workers.length]!;
    this.#workerCursor = (this.#workerCursor + 1) % this.#workers.length;
    return worker;
  }

  /**
   * After a worker joins or leaves, recompute the distribution from zero for the current count
   * (a ramp without pauses), and flag that the next step must apply it at once.
   */
  #prepareRebalance(): void {
    this.#users = this.#emptyDistribution();
    this.#tryFixed = true;
    this.#classGen = this.#classSequence();
    this.#workerCursor = 0;
    this.#active = [];
    let n = 0;
    while (n < this.#current) {
      const cls = this.#classGen.next().value as string | undefined;
      if (!cls) break;
      const worker = this.#nextWorker();
      this.#users[worker]![cls]! += 1;
      this.#active.push([worker, cls]);
      n++;
    }
    this.#rebalance = true;
  }

  #emptyDistribution(): Distribution {
    const d: Distribution = {};
    for (const w of this.#workers) {
      d[w] = Object.fromEntries(this.#originalClasses.map((c) => [c.name, 0]));
    }
    return d;
  }

  #classCount(name: string): number {
    let n = 0;
    for (const w of Object.values(this.#users)) n += w[name] ?? 0;
    return n;
  }

  /** Fixed-count classes first (whatever is missing of them), then weighted classes forever. */
  *#classSequence(): Generator<string | undefined, never> {
    const weighted = weightedSequence(this.#classes.filter((c) => !c.fixedCount).map((c) => [c.name, c.weight] as const));
    for (;;) {
      if (this.#tryFixed) {
        this.#tryFixed = false;
        const missing = this.#classes
          .filter((c) => c.fixedCount)
          .map((c) => [c.name, c.fixedCount - this.#classCount(c.name)] as const)
          .filter(([, miss]) => miss > 0);
        const total = missing.reduce((s, [, m]) => s + m, 0);
        const fixed = weightedSequence(missing);
        for (let i = 0; i < total; i++) yield fixed.next().value as string;
      } else {
        yield weighted.next().value as string | undefined;
      }
    }
  }
}

function byName(classes: readonly DispatchClass[]): DispatchClass[] {
  return [...classes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function copy(d: Distribution): Distribution {
  const out: Distribution = {};
  for (const [w, users] of Object.entries(d)) out[w] = { ...users };
  return out;
}

function count(d: Distribution): number {
  let n = 0;
  for (const users of Object.values(d)) for (const c of Object.values(users)) n += c;
  return n;
}

/**
 * Orders workers so that consecutive users land on different hosts: by each worker's index
 * among the workers of its host (id order), then by id.
 */
export function sortWorkers(ids: readonly string[]): string[] {
  const perHost = new Map<string, number>();
  const index = new Map<string, number>();
  for (const id of [...ids].sort()) {
    const host = id.split('_')[0]!;
    const i = perHost.get(host) ?? 0;
    index.set(id, i);
    perHost.set(host, i + 1);
  }
  return [...ids].sort((a, b) => index.get(a)! - index.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}
