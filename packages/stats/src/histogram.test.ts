import { describe, expect, it } from 'vitest';
import { createHistogram, recordMicrosCount, valueAtIndex } from './histogram.ts';

describe('fast histogram index arithmetic', () => {
  it('valueAtIndex equals the library valueFromIndex, and recordMicrosCount equals recordValueWithCount', () => {
    for (const digits of [2, 3] as const) {
      const fast = createHistogram(digits);
      const slow = createHistogram(digits);
      for (const us of [0, 1, 7, 1023, 2047, 2048, 4095, 99_999, 1_234_567, 60_000_000, 2 ** 31 + 5]) {
        recordMicrosCount(fast, us, 3);
        slow.recordValueWithCount(us, 3);
      }
      expect(fast.totalCount).toBe(slow.totalCount);
      expect(fast.maxValue).toBe(slow.maxValue);
      for (let i = 0; i < slow.countsArrayLength; i += 7) {
        expect(valueAtIndex(slow, i)).toBe(slow.valueFromIndex(i));
        expect(fast.getCountAtIndex(i)).toBe(slow.getCountAtIndex(i));
      }
    }
  });
});

describe('packed buckets', () => {
  it('round-trip, and merging packed buckets equals merging the histogram', async () => {
    const { addBuckets, packBuckets, toBuckets, unpackBuckets } = await import('./histogram-codec.ts');
    const source = createHistogram();
    for (const us of [0, 1, 5, 5, 900, 2047, 2048, 70_000, 70_001, 3_600_000_000]) source.recordValueWithCount(us, us % 7 === 0 ? 200_000 : 3);
    const buckets = toBuckets(source);
    const packed = packBuckets(buckets);
    expect(unpackBuckets(packed)).toEqual(buckets);
    expect(packed.length).toBeLessThan(buckets.length * 4);
    const merged = createHistogram();
    addBuckets(merged, unpackBuckets(packed));
    expect(merged.totalCount).toBe(source.totalCount);
    for (const p of [0, 10, 50, 90, 99.9, 100]) expect(merged.getValueAtPercentile(p)).toBe(source.getValueAtPercentile(p));
  });
});
