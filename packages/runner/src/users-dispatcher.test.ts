import { describe, expect, it } from 'vitest';
import type { DispatchClass, Distribution } from './users-dispatcher.ts';
import { UsersDispatcher, sortWorkers } from './users-dispatcher.ts';
import { weightedSequence } from './weighted-sequence.ts';

const cls = (name: string, weight = 1, fixedCount = 0): DispatchClass => ({ name, weight, fixedCount });
const U123 = [cls('User1'), cls('User2'), cls('User3')];

/** Runs a ramp to the end, returning each applied distribution and the pauses between them. */
function ramp(d: UsersDispatcher, target: number, rate: number) {
  d.newDispatch(target, rate);
  const users: Distribution[] = [];
  const waits: number[] = [];
  for (let step = d.next(); step; step = d.next()) {
    if ('users' in step) users.push(step.users);
    else waits.push(step.wait);
  }
  return { users, waits };
}

function totals(d: Distribution): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of Object.values(d)) for (const [c, n] of Object.entries(w)) out[c] = (out[c] ?? 0) + n;
  return out;
}

describe('weightedSequence', () => {
  it('spreads weights 5:1 as AABAAAAABAAA (what Locust computes; its docstring says AAABAAAAABAA)', () => {
    const g = weightedSequence([
      ['A', 5],
      ['B', 1],
    ]);
    expect(Array.from({ length: 12 }, () => g.next().value).join('')).toBe('AABAAAAABAAA');
  });
  it('round-robins equal weights in name order', () => {
    const g = weightedSequence([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(Array.from({ length: 6 }, () => g.next().value).join('')).toBe('abcabc');
  });
});

describe('UsersDispatcher', () => {
  it('ramps 9 users over 3 workers at 0.5/s one user per step, 2 s apart', () => {
    const t = 0;
    const d = new UsersDispatcher(['1', '2', '3'], U123, { now: () => t });
    const { users, waits } = ramp(d, 9, 0.5);
    expect(users).toHaveLength(9);
    expect(waits).toEqual(Array(8).fill(2));
    expect(users[0]).toEqual({ 1: { User1: 1, User2: 0, User3: 0 }, 2: { User1: 0, User2: 0, User3: 0 }, 3: { User1: 0, User2: 0, User3: 0 } });
    expect(users[1]!['2']).toEqual({ User1: 0, User2: 1, User3: 0 });
    expect(users[8]).toEqual({ 1: { User1: 3, User2: 0, User3: 0 }, 2: { User1: 0, User2: 3, User3: 0 }, 3: { User1: 0, User2: 0, User3: 3 } });
  });

  it('dispatches 9 users at 9/s in one step', () => {
    const d = new UsersDispatcher(['1', '2', '3'], U123);
    const { users, waits } = ramp(d, 9, 9);
    expect(users).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(users[0]!['3']).toEqual({ User1: 0, User2: 0, User3: 3 });
  });

  it.each([
    [0.5, 2],
    [1, 1],
    [2, 1],
    [2.4, 2 / 2.4],
    [4, 1],
  ])('waits between steps at rate %s: %s s', (rate, wait) => {
    const d = new UsersDispatcher(['1'], U123, { now: () => 0 });
    const { waits } = ramp(d, 40, rate);
    expect(waits[0]).toBeCloseTo(wait, 9);
  });

  it('interleaves workers across hosts', () => {
    expect(sortWorkers(['hostname1_worker1', 'hostname1_worker2', 'hostname2_worker1', 'hostname2_worker2'])).toEqual([
      'hostname1_worker1',
      'hostname2_worker1',
      'hostname1_worker2',
      'hostname2_worker2',
    ]);
    const d = new UsersDispatcher(['hostname1_worker1', 'hostname1_worker2', 'hostname2_worker1', 'hostname2_worker2'], U123);
    const { users } = ramp(d, 6, 2);
    expect(users[0]!['hostname1_worker1']).toEqual({ User1: 1, User2: 0, User3: 0 });
    expect(users[0]!['hostname2_worker1']).toEqual({ User1: 0, User2: 1, User3: 0 });
    expect(users[1]!['hostname1_worker2']).toEqual({ User1: 0, User2: 0, User3: 1 });
    expect(users[1]!['hostname2_worker2']).toEqual({ User1: 1, User2: 0, User3: 0 });
    expect(users[2]!['hostname1_worker1']).toEqual({ User1: 1, User2: 1, User3: 0 });
    expect(users[2]!['hostname2_worker1']).toEqual({ User1: 0, User2: 1, User3: 1 });
  });

  it('keeps exact proportions for weights 4:5 and float weights 0.8:1', () => {
    expect(totals(ramp(new UsersDispatcher(['1'], [cls('User1', 4), cls('User2', 5)]), 9, 9).users.at(-1)!)).toEqual({ User1: 4, User2: 5 });
    expect(totals(ramp(new UsersDispatcher(['1'], [cls('User1', 0.8), cls('User2', 1)]), 18, 18).users.at(-1)!)).toEqual({ User1: 8, User2: 10 });
  });

  it('dispatches 75 users with weights 1:2 to 4 workers at 5/s', () => {
    const d = new UsersDispatcher(['1', '2', '3', '4'], [cls('User1', 1), cls('User2', 2)]);
    const { users } = ramp(d, 75, 5);
    expect(totals(users[0]!)).toEqual({ User1: 2, User2: 3 });
    expect(users[0]).toEqual({ 1: { User1: 1, User2: 1 }, 2: { User1: 1, User2: 0 }, 3: { User1: 0, User2: 1 }, 4: { User1: 0, User2: 1 } });
    expect(totals(users[1]!)).toEqual({ User1: 3, User2: 7 });
    expect(totals(users[2]!)).toEqual({ User1: 5, User2: 10 });
  });

  it('rebalances at once when a worker is removed during the ramp', () => {
    const d = new UsersDispatcher(['1', '2', '3'], U123, { now: () => 0 });
    d.newDispatch(9, 3);
    const seen: Distribution[] = [];
    const take = () => {
      for (;;) {
        const s = d.next();
        if (!s) return undefined;
        if ('users' in s) return s.users;
      }
    };
    seen.push(take()!, take()!);
    expect(totals(seen[1]!)).toEqual({ User1: 2, User2: 2, User3: 2 });
    d.removeWorker('2');
    const rebalanced = take()!;
    expect(Object.keys(rebalanced).sort()).toEqual(['1', '3']);
    expect(Object.values(rebalanced).map((w) => Object.values(w).reduce((a, b) => a + b))).toEqual([3, 3]);
    const last = take()!;
    expect(Object.values(last).map((w) => Object.values(w).reduce((a, b) => a + b))).toEqual([5, 4]);
  });

  it('rebalances at once when a worker joins', () => {
    const d = new UsersDispatcher(['hostname1_worker1', 'hostname2_worker1'], U123, { now: () => 0 });
    d.newDispatch(11, 3);
    const take = () => {
      for (;;) {
        const s = d.next();
        if (!s) return undefined;
        if ('users' in s) return s.users;
      }
    };
    take();
    const six = take()!;
    expect(Object.values(six).map((w) => Object.values(w).reduce((a, b) => a + b))).toEqual([3, 3]);
    d.addWorker('hostname1_worker2');
    const perWorker = (x: Distribution) => ['hostname1_worker1', 'hostname1_worker2', 'hostname2_worker1'].map((w) => Object.values(x[w]!).reduce((a, b) => a + b));
    expect(perWorker(take()!)).toEqual([2, 2, 2]);
    expect(perWorker(take()!)).toEqual([3, 3, 3]);
    expect(perWorker(take()!)).toEqual([4, 3, 4]);
  });

  it.each([
    [1, 1, 1, 3, [1, 1, 1]],
    [1, 1, 1, 9, [1, 4, 4]],
    [8, 1, 1, 10, [8, 1, 1]],
    [2, 1, 1, 1000, [2, 499, 499]],
    [100, 1, 1, 1000, [100, 450, 450]],
    [960, 1, 1, 1000, [960, 20, 20]],
    [9990, 1, 1, 10000, [9990, 5, 5]],
    [100, 1, 1, 100, [100, 0, 0]],
  ])('spawns fixed users first (fixed %s, weights %s:%s, target %s)', (fixed, w1, w2, target, expected) => {
    const classes = [cls('FixedUser', 1, fixed), cls('User1', w1), cls('User2', w2)];
    const d = new UsersDispatcher(['1', '2', '3'], classes);
    const t = totals(ramp(d, target, target).users.at(-1)!);
    expect([t['FixedUser'], t['User1'], t['User2']]).toEqual(expected);
  });

  it('mixes several fixed and weighted classes', () => {
    const classes = [cls('F1', 1, 9), cls('F2', 1, 1), cls('W1', 5), cls('W2', 3), cls('W3', 2)];
    expect(totals(ramp(new UsersDispatcher(['1', '2'], classes), 20, 20).users.at(-1)!)).toEqual({ F1: 9, F2: 1, W1: 5, W2: 3, W3: 2 });
    const big = [cls('F1', 1, 250), cls('F2', 1, 250), cls('W1', 3), cls('W2', 1), cls('W3', 1)];
    expect(totals(ramp(new UsersDispatcher(['1', '2'], big), 1000, 1000).users.at(-1)!)).toEqual({ F1: 250, F2: 250, W1: 300, W2: 100, W3: 100 });
  });

  it('ramps down most recent first and reaches 1, 11, 10, 0 in one step each at a high rate', () => {
    const d = new UsersDispatcher(['1', '2'], U123);
    for (const target of [1, 11, 10, 0]) {
      const { users, waits } = ramp(d, target, 100);
      expect(users).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(Object.values(totals(users[0]!)).reduce((a, b) => a + b)).toBe(target);
    }
  });

  it('gives the same sequence for scaled float weights', () => {
    const seqFor = (ratio: number) => ramp(new UsersDispatcher(['1', '2'], [cls('A', 1 * ratio), cls('B', 2 * ratio), cls('C', 3 * ratio)]), 30, 1).users;
    const base = seqFor(1);
    for (const r of [10, 2.5, 0.3, 1 / 23, Math.E, Math.PI]) expect(seqFor(r)).toEqual(base);
  });

  it('ramps to 100,000 users over 1,000 workers evenly and within 0.5% of the weights', () => {
    const workers = Array.from({ length: 1000 }, (_, i) => `host${i % 10}_w${i}`);
    const classes = [cls('A', 1), cls('B', 2), cls('C', 3)];
    const d = new UsersDispatcher(workers, classes, { now: () => 0 });
    const { users } = ramp(d, 100_000, 5000);
    expect(users).toHaveLength(20);
    const last = users.at(-1)!;
    const perWorker = Object.values(last).map((w) => Object.values(w).reduce((a, b) => a + b));
    expect(Math.max(...perWorker) - Math.min(...perWorker)).toBeLessThanOrEqual(1);
    const t = totals(last);
    expect(Math.abs(t['A']! / 100_000 - 1 / 6)).toBeLessThan(0.005);
    expect(Math.abs(t['C']! / 100_000 - 3 / 6)).toBeLessThan(0.005);
  });
});
