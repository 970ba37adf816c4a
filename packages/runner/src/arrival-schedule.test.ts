import { describe, expect, it } from 'vitest';
import type { ArrivalPlan } from './arrival-schedule.ts';
import { ArrivalSchedule, expectedArrivals, parseRateStages } from './arrival-schedule.ts';

function timesUntil(s: ArrivalSchedule, end: number): Array<{ seq: number; time: number }> {
  const out: Array<{ seq: number; time: number }> = [];
  for (let a = s.next(); a && a.time < end; a = s.next()) out.push(a);
  return out;
}

const even = (rate: number, stages: ArrivalPlan['stages'] = []): ArrivalPlan => ({ rate, stages, spacing: 'even', seed: 1 });

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly from time 0', () => {
    const times = timesUntil(new ArrivalSchedule(even(4)), 2).map((a) => a.time);
    expect(times).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  });

  it('ramps linearly: the count over a ramp is the area under the rate', () => {
    const plan = even(0, [{ duration: 10, rate: 100 }]);
    // Λ(10) = 500 arrivals, the first at t = 0, spacing shrinking as the rate grows.
    const arrivals = timesUntil(new ArrivalSchedule(plan), 10);
    expect(arrivals.length).toBe(500);
    expect(expectedArrivals(plan, 10)).toBe(500);
    const gaps = arrivals.slice(1).map((a, i) => a.time - arrivals[i]!.time);
    expect(gaps[10]!).toBeGreaterThan(gaps[400]!);
  });

  it('holds the last rate after the stages and stops when the rate falls to 0', () => {
    const held = timesUntil(new ArrivalSchedule(even(10, [{ duration: 1, rate: 20 }])), 3);
    expect(held.length).toBe(15 + 40);
    const stopped = new ArrivalSchedule(even(10, [{ duration: 2, rate: 0 }]));
    const all: number[] = [];
    for (let a = stopped.next(); a; a = stopped.next()) all.push(a.time);
    // Λ(2) = 10: arrivals at u = 0..10, the last one exactly where the rate reaches 0.
    expect(all.length).toBe(11);
    expect(all.at(-1)!).toBeCloseTo(2, 9);
  });

  it('splits the arrivals across workers exactly, whatever the count', () => {
    const gamma: ArrivalPlan = { ...even(50), spacing: 'gamma', burstiness: 0.3, seed: 9 };
    for (const plan of [even(37, [{ duration: 3, rate: 91 }]), { ...even(50), spacing: 'poisson' as const, seed: 7 }, gamma]) {
      const whole = timesUntil(new ArrivalSchedule(plan), 5);
      for (const n of [2, 3, 7]) {
        const parts = Array.from({ length: n }, (_, k) => timesUntil(new ArrivalSchedule(plan, k, n), 5));
        const merged = parts.flat().sort((a, b) => a.seq - b.seq);
        expect(merged).toEqual(whole);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('draws Poisson arrivals: the same seed repeats, gaps are exponential with the right mean', () => {
    const plan: ArrivalPlan = { rate: 200, stages: [], spacing: 'poisson', seed: 42 };
    const a = timesUntil(new ArrivalSchedule(plan), 50);
    const b = timesUntil(new ArrivalSchedule(plan), 50);
    expect(a).toEqual(b);
    expect(timesUntil(new ArrivalSchedule({ ...plan, seed: 43 }), 50)).not.toEqual(a);
    // 10,000 expected arrivals: the count is within 4 standard deviations (sqrt(10000) = 100).
    expect(Math.abs(a.length - 10_000)).toBeLessThan(400);
    const gaps = a.slice(1).map((x, i) => x.time - a[i]!.time);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeCloseTo(1 / 200, 3);
    // Exponential gaps: about e^-1 of them exceed the mean (an even spacing would give 0 or 1).
    const longer = gaps.filter((g) => g > mean).length / gaps.length;
    expect(longer).toBeGreaterThan(0.34);
    expect(longer).toBeLessThan(0.40);
  });
});

describe('gamma arrivals (--burstiness)', () => {
  const gapsOf = (burstiness: number, seed: number) => {
    const plan: ArrivalPlan = { rate: 100, stages: [], spacing: 'gamma', burstiness, seed };
    const a = timesUntil(new ArrivalSchedule(plan), 400);
    return { count: a.length, gaps: a.slice(1).map((x, i) => x.time - a[i]!.time) };
  };

  // Seeded, so each figure is fixed; the bounds are still those a fair sample of ~40,000 gaps
  // meets (about 5 standard errors), so they hold for any seed, not just this one.
  it.each([[0.25], [0.5], [2], [4]])('burstiness %s: mean rate as asked, coefficient of variation 1/sqrt(B)', (b) => {
    const { count, gaps } = gapsOf(b, 11);
    const cv = 1 / Math.sqrt(b);
    // The count of a renewal process over 400 s at 100/s: sd ≈ cv·√40000 = 200·cv.
    expect(Math.abs(count - 40_000)).toBeLessThan(1000 * cv);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(Math.abs(mean * 100 - 1)).toBeLessThan(0.05);
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / (gaps.length - 1));
    expect(Math.abs(sd / mean / cv - 1)).toBeLessThan(0.08);
    expect(gaps.every((g) => g >= 0)).toBe(true);
  });

  it('repeats with the same seed, and burstiness 1 is the Poisson schedule of that seed', () => {
    expect(gapsOf(0.5, 3)).toEqual(gapsOf(0.5, 3));
    expect(gapsOf(0.5, 4).gaps).not.toEqual(gapsOf(0.5, 3).gaps);
    const poisson = timesUntil(new ArrivalSchedule({ rate: 100, stages: [], spacing: 'poisson', seed: 5 }), 20);
    expect(timesUntil(new ArrivalSchedule({ rate: 100, stages: [], spacing: 'gamma', burstiness: 1, seed: 5 }), 20)).toEqual(poisson);
  });

  it('bursts below 1: more of the gaps are short than for Poisson arrivals', () => {
    const short = (b: number) => {
      const { gaps } = gapsOf(b, 8);
      return gaps.filter((g) => g < 0.001).length / gaps.length;
    };
    // P(gap < a tenth of the mean): 0.095 for exponential gaps, about 0.45 for shape 0.25.
    expect(short(1)).toBeLessThan(0.12);
    expect(short(0.25)).toBeGreaterThan(0.35);
  });
});

describe('parseRateStages', () => {
  it('reads DURATION:RATE pairs', () => {
    expect(parseRateStages('30s:10, 1m:50,2m30s:0')).toEqual([
      { duration: 30, rate: 10 },
      { duration: 60, rate: 50 },
      { duration: 150, rate: 0 },
    ]);
  });

  it('names the bad stage', () => {
    expect(() => parseRateStages('30s:10,oops')).toThrow("invalid arrival stage 'oops'");
    expect(() => parseRateStages('0:10')).toThrow('must be > 0');
    expect(() => parseRateStages('1x:10')).toThrow('Invalid time span');
  });
});
