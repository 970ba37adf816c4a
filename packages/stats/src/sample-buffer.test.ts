import { describe, expect, it } from 'vitest';
import { toBuckets } from './histogram-codec.ts';
import { createHistogram, forEachRecorded, recordMicros, toMicros, valuesAtPercentiles } from './histogram.ts';
import { statsJson } from './json-report.ts';
import { PERCENTILES_TO_REPORT } from './percentiles.ts';
import { PrometheusText } from './prometheus-text.ts';
import { RequestStats } from './request-stats.ts';

const T = 1_700_000_000;
const PS = [0, 0.1, 0.5, 0.66, 0.9, 0.99, 0.999, 1];

/** A deterministic spread of response times in ms: sub-ms, tens of ms, seconds. */
function times(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const r = x / 2147483648;
    out.push(r < 0.3 ? r * 3 : r < 0.9 ? r * 80 : r * 4000);
  }
  return out;
}

function reference(ms: number[]) {
  const h = createHistogram();
  for (const t of ms) recordMicros(h, toMicros(t));
  const min = Math.min(...ms);
  const max = Math.max(...ms);
  const ps = valuesAtPercentiles(h, PS).map((us, i) => ((PS[i] ?? 0) >= 1 ? max : Math.min(Math.max(us / 1000, min), max)));
  const recorded: Array<[number, number]> = [];
  forEachRecorded(h, (us, c) => recorded.push([us, c]));
  return { ps, buckets: toBuckets(h), recorded };
}

describe('entries with few samples keep them without a histogram', () => {
  it('percentiles, buckets and the JSON are the same as from a histogram, at every size', () => {
    for (const n of [1, 2, 7, 100, 255, 256, 257, 600, 3000]) {
      const stats = new RequestStats({ clock: () => T });
      const ms = times(n, n);
      for (const t of ms) stats.logRequest('GET', '/a', t, 0);
      const e = stats.get('/a', 'GET')!;
      const ref = reference(ms);
      expect(e.responseTimePercentiles(PS), `n=${n}`).toEqual(ref.ps);
      expect(e.histogramBuckets(), `n=${n}`).toEqual(ref.buckets);
      const recorded: Array<[number, number]> = [];
      e.forEachRecorded((us, c) => recorded.push([us, c]));
      expect(recorded, `n=${n}`).toEqual(ref.recorded);
      expect(e.histogram().totalCount).toBe(n);
      expect(toBuckets(e.histogram() as never)).toEqual(ref.buckets);
      // The JSON buckets go through the same representative values.
      const other = new RequestStats({ clock: () => T });
      for (const t of ms) other.logRequest('GET', '/a', t, 0);
      expect(statsJson(stats)).toEqual(statsJson(other));
      // /metrics reads the buckets without making a histogram, with the same text.
      const bounds = [0.001, 0.005, 0.025, 0.1, 1];
      const fromHistogram = new PrometheusText();
      fromHistogram.histogram('t', [], e.histogram(), bounds);
      const fromBuckets = new PrometheusText();
      fromBuckets.histogram('t', [], e.histogramBuckets(), bounds);
      expect(fromBuckets.text(), `n=${n}`).toBe(fromHistogram.text());
    }
  });

  it('a master merging small reports keeps the same percentiles as one process', () => {
    const ms = times(180, 3);
    const worker1 = new RequestStats({ clock: () => T });
    const worker2 = new RequestStats({ clock: () => T });
    const single = new RequestStats({ clock: () => T });
    ms.forEach((t, i) => (i % 2 ? worker1 : worker2).logRequest('GET', '/a', t, 0));
    for (const t of ms) single.logRequest('GET', '/a', t, 0);
    const master = new RequestStats({ clock: () => T });
    master.merge(worker1.serialize());
    master.merge(worker2.serialize());
    expect(master.get('/a', 'GET')!.responseTimePercentiles(PERCENTILES_TO_REPORT)).toEqual(
      single.get('/a', 'GET')!.responseTimePercentiles(PERCENTILES_TO_REPORT),
    );
    expect(master.get('/a', 'GET')!.histogramBuckets()).toEqual(single.get('/a', 'GET')!.histogramBuckets());
  });

  it('reset empties the samples or the histogram; a later sample is the only one', () => {
    for (const n of [3, 300]) {
      const stats = new RequestStats({ clock: () => T });
      for (let i = 0; i < n; i++) stats.logRequest('GET', '/a', 5 + i, 0);
      stats.reset();
      stats.logRequest('GET', '/a', 42, 0);
      const e = stats.get('/a', 'GET')!;
      expect(e.responseTimePercentiles([0.5, 1]), `n=${n}`).toEqual([42, 42]);
      expect(e.histogramBuckets()).toHaveLength(2);
    }
  });

  it('1,000 entries of 5 samples each hold well under 1 KB of response-time storage each', () => {
    const stats = new RequestStats({ clock: () => T });
    for (let i = 0; i < 1000; i++) for (const t of [1.2, 8, 30, 120, 900]) stats.logRequest('GET', `/item/${i}`, t, 0);
    const bytes = stats.entries().reduce((sum, e) => sum + e.latencyFootprint(), 0);
    expect(bytes / 1000).toBeLessThan(256);
    // The Aggregated entry, with 5,000 samples, keeps a histogram.
    expect(stats.total.latencyFootprint()).toBeGreaterThan(4096);
  });
});
