import type { ClientInterval } from '@locusta/runner';
import { describe, expect, it } from 'vitest';
import { clientHealthCharts, clientHealthPoints } from './client-health-charts.ts';

const interval = (end: number, process: string, cpu: number, lagP99 = 1): ClientInterval => ({ end, seconds: 1, process, cpu, lagP50: 0.5, lagP99, lagMax: lagP99 + 1 });

describe('the client-health charts', () => {
  it('one process: a point per interval, at its end, in time order', () => {
    const points = clientHealthPoints([interval(101.2, 'local', 10), interval(100.2, 'local', 95), interval(102.21, 'local', 5)]);
    expect(points.map((p) => [p.time, p.cpu, p.limited])).toEqual([[100.2, 95, true], [101.2, 10, false], [102.21, 5, false]]);
  });

  it('several processes: a point a second, the highest CPU and lag, limited when any process was', () => {
    const points = clientHealthPoints([
      interval(100.1, 'w1', 20), interval(99.8, 'w2', 40, 60),
      interval(101.1, 'w1', 30), interval(100.9, 'w2', 10),
    ]);
    expect(points.map((p) => [p.time, p.cpu, p.lagP99, p.limited])).toEqual([[100, 40, 60, true], [101, 30, 1, false]]);
  });

  it('marks the limited points at their values; no interval, no chart', () => {
    const [cpu, lag] = clientHealthCharts([interval(100, 'local', 95.04), interval(101, 'local', 12.36, 70)]);
    expect(cpu!.x).toEqual([100, 101]);
    expect(cpu!.series).toEqual([
      { label: 'CPU %', color: expect.any(String), values: [95, 12.4] },
      { label: 'Client limited', color: expect.any(String), marks: true, values: [95, 12.4] },
    ]);
    expect(lag!.series.map((s) => [s.label, s.values])).toEqual([['Lag p99', [1, 70]], ['Lag max', [2, 71]], ['Client limited', [1, 70]]]);
    expect(clientHealthCharts([interval(100, 'local', 50)])[0]!.series[1]!.values).toEqual([null]);
    expect(clientHealthCharts([])).toEqual([]);
  });

  it('keeps the last points when asked (the web UI)', () => {
    const intervals = Array.from({ length: 10 }, (_, i) => interval(100 + i, 'local', i));
    const [cpu] = clientHealthCharts(intervals, 3);
    expect(cpu!.x).toEqual([107, 108, 109]);
    expect(cpu!.series[0]!.values).toEqual([7, 8, 9]);
  });
});
