import { describe, expect, it } from 'vitest';
import type { SweepPoint } from './sweep-points.ts';
import { SWEEP_CSV_HEADER, findKnee, formatSweepTable, sweepCsv, sweepRates, sweepShortfall } from './sweep-points.ts';

function point(index: number, kind: SweepPoint['kind'], offered: number | null, achieved: number, p99: number, extra: Partial<SweepPoint> = {}): SweepPoint {
  return {
    index, kind, offered, users: kind === 'synchronous' ? 1 : 16, start: 1000 + index * 10, end: 1008 + index * 10, seconds: 5,
    requests: Math.round(achieved * 5), failures: 0, achieved, p50: p99 / 2, p90: p99 * 0.8, p99, failRatio: 0, shortfall: 0.05, figures: {}, ...extra,
  };
}

const sync = point(1, 'synchronous', null, 20, 60, { p50: 50 });
const top = point(2, 'throughput', null, 80, 400);

describe('sweepRates', () => {
  it('spaces the rates evenly above the synchronous rate, the last at the throughput rate', () => {
    expect(sweepRates(20, 80, 3)).toEqual([40, 60, 80]);
    expect(sweepRates(20, 80, 1)).toEqual([80]);
    // A target that serves no more with more users: every rate is the synchronous one.
    expect(sweepRates(20, 15, 2)).toEqual([20, 20]);
  });
});

describe('findKnee', () => {
  it('names the last rate that kept up and what happened above it', () => {
    const knee = findKnee([sync, top, point(3, 'rate', 40, 40, 70), point(4, 'rate', 60, 59, 140), point(5, 'rate', 80, 70, 900)]);
    expect(knee.rate).toBe(60);
    expect(knee.line).toBe('Knee: ~60.0 req/s: above it p99 response time rises from 140 ms to 900 ms (80.0 req/s offered, 70.0 achieved)');
  });

  it('judges the rate (5 %), the failures (1 %) and p99 against 3x the synchronous median', () => {
    expect(findKnee([sync, point(3, 'rate', 40, 37.9, 60)]).rate).toBe(20);
    expect(findKnee([sync, point(3, 'rate', 40, 38.1, 60)]).rate).toBe(40);
    expect(findKnee([sync, point(3, 'rate', 40, 40, 60, { failRatio: 0.02 })]).rate).toBe(20);
    expect(findKnee([sync, point(3, 'rate', 40, 40, 151)]).rate).toBe(20);
    expect(findKnee([sync, point(3, 'rate', 40, 40, 149)]).rate).toBe(40);
  });

  it('judges LLM requests on their end-to-end latency', () => {
    const llmSync = point(1, 'synchronous', null, 2, 60, { figures: { 'llm.e2e_p50': 1000, 'llm.e2e_p99': 1200 } });
    const knee = findKnee([llmSync, point(3, 'rate', 4, 4, 60, { figures: { 'llm.e2e_p99': 2500 } }), point(4, 'rate', 6, 6, 60, { figures: { 'llm.e2e_p99': 3500 } })]);
    expect(knee.line).toBe('Knee: ~4.0 req/s: above it p99 e2e rises from 2500 ms to 3500 ms (6.0 req/s offered, 6.0 achieved)');
  });

  it('says when every rate kept up, and when there was nothing to judge', () => {
    expect(findKnee([sync, top, point(3, 'rate', 80, 80, 70)]).line).toBe('Knee: not reached: every rate up to 80.0 req/s kept up');
    expect(findKnee([]).line).toBe('Knee: not found: the synchronous point made no requests');
    expect(findKnee([sync]).line).toBe('Knee: not found: no rate point was run (synchronous 20.0 req/s)');
  });
});

describe('sweepShortfall', () => {
  it('is 5 % for even arrivals and three standard deviations of the count for random ones', () => {
    expect(sweepShortfall(0, 40, 3)).toBe(0.05);
    expect(sweepShortfall(1, 100, 1)).toBeCloseTo(0.3, 9);
    expect(sweepShortfall(0.5, 10_000, 1)).toBe(0.05);
  });
});

describe('the sweep table and CSV', () => {
  const points = [sync, top, point(3, 'rate', 40, 40, 70, { figures: { 'llm.e2e_p99': 812.5, 'llm.goodput_rps': null } })];

  it('has one CSV row per point, the families figures last', () => {
    const lines = sweepCsv(points).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe([...SWEEP_CSV_HEADER, 'llm.e2e_p99', 'llm.goodput_rps'].join(','));
    expect(lines[1]).toBe('1,synchronous,,20.0,1,1010.000,1018.000,5.0,100,0,50,48,60,0.0,0,,');
    expect(lines[3]).toBe('3,rate,40.0,40.0,16,1030.000,1038.000,5.0,200,0,35,56,70,0.0,0,812.50,');
    // A point during which the client was the limit says so.
    expect(sweepCsv([{ ...points[0]!, clientLimited: true }]).split('\r\n')[1]).toBe('1,synchronous,,20.0,1,1010.000,1018.000,5.0,100,0,50,48,60,0.0,1');
  });

  it('prints one console row per point', () => {
    const table = formatSweepTable(points);
    expect(table.split('\n').filter(Boolean)).toHaveLength(5);
    expect(table).toMatch(/^ *3 \| rate +\| +40\.00 \| +40\.00 \| +200 \|/m);
  });
});
