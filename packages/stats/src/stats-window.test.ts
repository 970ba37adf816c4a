import type { JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { createHistogram, recordMicros, toMicros, valuesAtPercentiles } from './histogram.ts';
import { PERCENTILES_TO_REPORT } from './percentiles.ts';
import { RequestStats } from './request-stats.ts';
import { StatsWindow, takeMark, windowSince } from './stats-window.ts';

const T = 1_700_000_000;
const PS = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function clockAt(t: number): { clock: () => number; set: (t: number) => void } {
  let now = t;
  return { clock: () => now, set: (v) => (now = v) };
}

/** Deterministic response times with a long tail (ms, with µs fractions). */
function times(n: number, seed: number, scale: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    out.push(Math.round((scale / (1 - u * 0.999)) * 1000) / 1000);
  }
  return out;
}

function freshHistogram(rts: readonly number[]): JsHistogram {
  const h = createHistogram();
  for (const rt of rts) recordMicros(h, toMicros(rt));
  return h;
}

describe('windowSince', () => {
  it('gives the percentiles of a histogram fed only the requests after the mark', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    const before = times(5000, 1, 20);
    const after = times(3000, 7, 200);
    for (const rt of before) stats.logRequest('GET', '/a', rt, 100);
    c.set(T + 10);
    const mark = takeMark(stats);
    for (const rt of after) stats.logRequest('GET', '/a', rt, 50);
    for (let i = 0; i < 30; i++) stats.logError('GET', '/a', 'boom');
    c.set(T + 25);

    const w = windowSince(stats, mark);
    const fresh = freshHistogram(after);
    for (const entry of [w.total, w.get('/a', 'GET')]) {
      expect(entry).toBeDefined();
      if (entry === undefined) return;
      const h = entry.histogram() as JsHistogram;
      expect(h.totalCount).toBe(after.length);
      expect(valuesAtPercentiles(h, PS)).toEqual(valuesAtPercentiles(fresh, PS));
      expect(entry.numRequests).toBe(3000);
      expect(entry.numFailures).toBe(30);
      expect(entry.failRatio).toBeCloseTo(0.01, 12);
      expect(entry.avgResponseTime).toBeCloseTo(after.reduce((a, b) => a + b, 0) / after.length, 6);
      expect(entry.avgContentLength).toBe(50);
    }
    expect(w.start).toBe(T + 10);
    expect(w.end).toBe(T + 25);
    expect(w.duration).toBe(15);
    expect(w.total.rps).toBe(200);
    expect(w.total.failRps).toBe(2);
  });

  it('equals a fresh RequestStats of the later requests when they set new extremes', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    const fresh = new RequestStats({ clock: c.clock });
    for (const rt of [50, 60, 70]) stats.logRequest('GET', '/a', rt, 0);
    const mark = takeMark(stats);
    for (const rt of [...Array.from({ length: 500 }, (_, i) => 20 + ((i * 37) % 880) + 0.123), 12.345, 987.654]) {
      stats.logRequest('GET', '/a', rt, 0);
      fresh.logRequest('GET', '/a', rt, 0);
    }
    const w = windowSince(stats, mark);
    expect(w.total.minResponseTime).toBe(12.345);
    expect(w.total.maxResponseTime).toBe(987.654);
    expect(w.total.responseTimePercentiles(PERCENTILES_TO_REPORT)).toEqual(fresh.total.responseTimePercentiles(PERCENTILES_TO_REPORT));
    expect(w.total.medianResponseTime).toBe(fresh.total.medianResponseTime);
  });

  it('estimates min and max from the window histogram within the cumulative bounds', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    for (const rt of [1, 5000]) stats.logRequest('GET', '/a', rt, 0);
    const mark = takeMark(stats);
    for (const rt of [123.4, 456.7, 789.1]) stats.logRequest('GET', '/a', rt, 0);
    const w = windowSince(stats, mark).total;
    expect(Math.abs((w.minResponseTime ?? 0) - 123.4) / 123.4).toBeLessThan(0.001);
    expect(Math.abs(w.maxResponseTime - 789.1) / 789.1).toBeLessThan(0.001);
    expect(w.getResponseTimePercentile(1)).toBe(w.maxResponseTime);
  });

  it('covers entries created after the mark and lists idle ones with zeros', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    stats.logRequest('GET', '/old', 10, 0);
    const mark = takeMark(stats);
    stats.logRequest('POST', '/new', 30, 0);
    stats.logRequest('POST', '/new', null, 0);
    const w = windowSince(stats, mark);
    expect(w.entries().map((e) => `${e.method} ${e.name} ${e.numRequests}`)).toEqual(['POST /new 2', 'GET /old 0']);
    const idle = w.get('/old', 'GET');
    expect(idle?.minResponseTime).toBeNull();
    expect(idle?.maxResponseTime).toBe(0);
    expect(idle?.getResponseTimePercentile(0.5)).toBe(0);
    const created = w.get('/new', 'POST');
    expect(created?.numNoneRequests).toBe(1);
    expect(created?.minResponseTime).toBe(30);
    expect(created?.avgResponseTime).toBe(30);
  });

  it('after stats.reset() in between, is the stats since the reset', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    for (const rt of times(1000, 5, 10)) stats.logRequest('GET', '/a', rt, 0);
    c.set(T + 5);
    const mark = takeMark(stats);
    for (const rt of times(1000, 6, 10)) stats.logRequest('GET', '/a', rt, 0);
    c.set(T + 8);
    stats.reset();
    const later = [3, 4, 5, 700];
    for (const rt of later) stats.logRequest('GET', '/a', rt, 0);
    c.set(T + 10);
    const w = windowSince(stats, mark);
    expect(w.start).toBe(T + 8);
    expect(w.duration).toBe(2);
    expect(w.total.numRequests).toBe(4);
    expect(w.total.rps).toBe(2);
    expect(w.total.minResponseTime).toBe(3);
    expect(w.total.maxResponseTime).toBe(700);
    expect(valuesAtPercentiles(w.total.histogram() as JsHistogram, PS)).toEqual(valuesAtPercentiles(freshHistogram(later), PS));
    expect(w.get('/a', 'GET')?.numRequests).toBe(4);
  });

  it('works on a master whose stats are merged from workers', () => {
    const c = clockAt(T);
    const master = new RequestStats({ clock: c.clock });
    const workers = [new RequestStats({ clock: c.clock }), new RequestStats({ clock: c.clock })];
    const report = () => {
      for (const w of workers) {
        master.merge(w.serialize());
        w.reset();
      }
    };
    workers.forEach((w, i) => times(800, i + 1, 15).forEach((rt) => w.logRequest('GET', '/a', rt, 0)));
    report();
    c.set(T + 3);
    const mark = takeMark(master);
    const later = [...times(600, 11, 40), ...times(400, 12, 80)];
    later.slice(0, 600).forEach((rt) => workers[0]?.logRequest('GET', '/a', rt, 0));
    later.slice(600).forEach((rt) => workers[1]?.logRequest('GET', '/a', rt, 0));
    workers[1]?.logError('GET', '/a', 'x');
    report();
    c.set(T + 6);
    const w = windowSince(master, mark);
    expect(w.total.numRequests).toBe(1000);
    expect(w.total.numFailures).toBe(1);
    expect(valuesAtPercentiles(w.total.histogram() as JsHistogram, PS)).toEqual(valuesAtPercentiles(freshHistogram(later), PS));
  });
});

describe('StatsWindow', () => {
  it('tiles the run: next() returns consecutive windows', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    const window = new StatsWindow(stats);
    stats.logRequest('GET', '/a', 10, 0);
    c.set(T + 2);
    expect(window.current().total.numRequests).toBe(1);
    const first = window.next();
    stats.logRequest('GET', '/a', 20, 0);
    stats.logRequest('GET', '/a', 30, 0);
    c.set(T + 3);
    const second = window.next();
    expect([first.start, first.end, first.total.numRequests]).toEqual([T, T + 2, 1]);
    expect([second.start, second.end, second.total.numRequests]).toEqual([T + 2, T + 3, 2]);
    expect(second.total.minResponseTime).toBe(20);
    expect(second.total.maxResponseTime).toBe(30);
    expect(window.mark.time).toBe(T + 3);
  });
});
