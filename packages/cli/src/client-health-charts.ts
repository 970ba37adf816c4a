import type { OutputTimeChart } from '@locusta/core';
import { isClientLimited } from '@locusta/runner';
import type { ClientInterval } from '@locusta/runner';

/** The client's health at one time: one interval, or the worst of the processes' in a second. */
export interface ClientHealthPoint {
  /** Unix seconds. */
  time: number;
  cpu: number;
  lagP99: number;
  lagMax: number;
  limited: boolean;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The points of the charts: each interval of a single process at its own end; with several
 * processes (workers), a point a second (intervals by the second their end rounds to) holding the
 * highest CPU and lag of any process, limited when any process was.
 */
export function clientHealthPoints(intervals: readonly ClientInterval[]): ClientHealthPoint[] {
  const processes = new Set(intervals.map((r) => r.process));
  if (processes.size <= 1) {
    return intervals
      .map((r) => ({ time: Math.round(r.end * 1000) / 1000, cpu: r.cpu, lagP99: r.lagP99, lagMax: r.lagMax, limited: isClientLimited(r) }))
      .sort((a, b) => a.time - b.time);
  }
  const bySecond = new Map<number, ClientHealthPoint>();
  for (const r of intervals) {
    const time = Math.round(r.end);
    const p = bySecond.get(time);
    if (p === undefined) {
      bySecond.set(time, { time, cpu: r.cpu, lagP99: r.lagP99, lagMax: r.lagMax, limited: isClientLimited(r) });
    } else {
      p.cpu = Math.max(p.cpu, r.cpu);
      p.lagP99 = Math.max(p.lagP99, r.lagP99);
      p.lagMax = Math.max(p.lagMax, r.lagMax);
      p.limited ||= isClientLimited(r);
    }
  }
  return [...bySecond.values()].sort((a, b) => a.time - b.time);
}

const LIMITED = { label: 'Client limited', color: '#d0342c', marks: true } as const;

/**
 * The charts of the client's health over the run: CPU (% of a core) and event-loop lag (p99 and
 * max, ms), each with the client-limited seconds marked at their value; the `last` points only
 * when given.
 */
export function clientHealthCharts(intervals: readonly ClientInterval[], last?: number): OutputTimeChart[] {
  // The web UI's recent points: only the intervals of those seconds are grouped (a master may hold 100,000).
  let recent = intervals;
  if (last !== undefined && intervals.length > last) {
    const newest = intervals.reduce((m, r) => Math.max(m, r.end), -Infinity);
    recent = intervals.filter((r) => r.end > newest - last - 1);
  }
  const all = clientHealthPoints(recent);
  const points = last !== undefined && all.length > last ? all.slice(-last) : all;
  if (points.length === 0) return [];
  const several = new Set(recent.map((r) => r.process)).size > 1;
  const x = points.map((p) => p.time);
  const at = (value: (p: ClientHealthPoint) => number) => points.map((p) => round1(value(p)));
  const marked = (value: (p: ClientHealthPoint) => number) => points.map((p) => (p.limited ? round1(value(p)) : null));
  const of = several ? ' (highest of the processes each second)' : '';
  return [
    {
      id: 'client-cpu',
      caption: `Client CPU (% of a core)${of}; client-limited seconds marked`,
      unit: '%',
      x,
      series: [{ label: 'CPU %', color: '#2f6fb3', values: at((p) => p.cpu) }, { ...LIMITED, values: marked((p) => p.cpu) }],
    },
    {
      id: 'client-loop-lag',
      caption: `Client event-loop lag (ms)${of}; client-limited seconds marked`,
      unit: 'ms',
      x,
      series: [
        { label: 'Lag p99', color: '#8a4fbf', values: at((p) => p.lagP99) },
        { label: 'Lag max', color: '#e6861a', values: at((p) => p.lagMax) },
        { ...LIMITED, values: marked((p) => p.lagP99) },
      ],
    },
  ];
}
