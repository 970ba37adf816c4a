import { describe, expect, it } from 'vitest';
import { logBins } from './histogram-bins.ts';
import { entryPercentile, percentileFromHistogram, percentileFromList, spectrumNines, spectrumValues } from './percentiles.ts';
import type { ReportEntry } from './report-data.ts';

const histogram: Array<[number, number]> = [
  [0.5, 1],
  [1, 3],
  [12, 40],
  [13.1, 10],
  [250, 5],
  [4100, 1],
];

describe('logBins', () => {
  it('keeps every count and covers the smallest and largest bucket', () => {
    const bins = logBins(histogram)!;
    expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(60);
    expect(bins.lo[0]).toBeLessThan(0.5);
    expect(bins.hi[bins.hi.length - 1]).toBeGreaterThanOrEqual(4100);
    expect(bins.lo.slice(1)).toEqual(bins.hi.slice(0, -1));
  });

  it('puts a bucket in the bin whose upper edge is at or above its bound', () => {
    const bins = logBins([[1, 2], [2, 3]])!;
    const at = (v: number) => bins.hi.findIndex((hi, i) => (bins.lo[i] ?? 0) < v && v <= hi);
    expect(bins.counts[at(1)]).toBe(2);
    expect(bins.counts[at(2)]).toBe(3);
  });

  it('has about ten evenly spaced bins a decade', () => {
    const bins = logBins([[1, 1], [1000, 1]])!;
    expect(bins.hi.length).toBeGreaterThanOrEqual(30);
    expect(bins.hi.length).toBeLessThanOrEqual(32);
    for (let i = 0; i < bins.hi.length; i++) {
      const decades = Math.log10(bins.hi[i]! / bins.lo[i]!);
      expect(decades).toBeGreaterThan(0.08);
      expect(decades).toBeLessThan(0.12);
    }
  });

  it('counts zero-millisecond buckets in the first bin, and returns null for nothing', () => {
    const bins = logBins([[0, 4], [3, 1], [30, 1]])!;
    expect(bins.counts[0]).toBe(5);
    expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(logBins([])).toBeNull();
    expect(logBins([[5, 0]])).toBeNull();
  });
});

describe('percentiles', () => {
  it('reads nearest-rank values from a sparse histogram', () => {
    expect(percentileFromHistogram(histogram, 0)).toBe(0.5);
    expect(percentileFromHistogram(histogram, 0.5)).toBe(12);
    expect(percentileFromHistogram(histogram, 0.9)).toBe(13.1);
    expect(percentileFromHistogram(histogram, 0.95)).toBe(250);
    expect(percentileFromHistogram(histogram, 1)).toBe(4100);
    expect(percentileFromHistogram([], 0.5)).toBeNull();
  });

  it('steps through a list of percentiles', () => {
    const list: Array<[number, number]> = [[0.5, 10], [0.99, 80]];
    expect(percentileFromList(list, 0.3)).toBe(10);
    expect(percentileFromList(list, 0.9)).toBe(80);
    expect(percentileFromList(list, 0.999)).toBeNull();
  });

  it('prefers the exact values of an entry, and its max for 100%', () => {
    const entry = { numRequests: 60, max: 4012.5, percentiles: [[0.5, 11.7]], histogram } as unknown as ReportEntry;
    expect(entryPercentile(entry, 0.5)).toBe(11.7);
    expect(entryPercentile(entry, 0.95)).toBe(250);
    expect(entryPercentile(entry, 1)).toBe(4012.5);
    expect(entryPercentile({ ...entry, numRequests: 0, percentiles: [], histogram: [] }, 0.5)).toBeNull();
  });

  it('builds a spectrum from 0% to 99.999% in nines', () => {
    const x = spectrumNines();
    expect(x[0]).toBe(0);
    expect(x[x.length - 1]).toBe(5);
    const values = spectrumValues({ histogram, percentiles: [] }, x);
    expect(values[0]).toBe(0.5);
    expect(values[values.length - 1]).toBe(4100);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(spectrumValues({ histogram: [], percentiles: [[0.5, 3], [0.99, 9]] }, [0, 2, 3])).toEqual([3, 9, null]);
  });
});
