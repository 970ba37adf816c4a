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

describe('buckets from the wire', () => {
  it('bucketIndexOf equals the library countsArrayIndex', async () => {
    const { bucketIndexOf, MAX_BUCKET_INDEX } = await import('./histogram-codec.ts');
    const h = createHistogram();
    const values = [0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 99_999, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 3, 2 ** 53 - 1];
    for (let i = 0; i < 2000; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))));
    for (const us of values) expect(bucketIndexOf(us), String(us)).toBe(h.countsArrayIndex(us));
    expect(MAX_BUCKET_INDEX).toBe(h.countsArrayIndex(Number.MAX_SAFE_INTEGER));
  });

  it('readBuckets accepts what packBuckets and toBuckets give, and refuses broken encodings', async () => {
    const { packBuckets, readBuckets, toBuckets, unpackBuckets, MAX_BUCKET_INDEX } = await import('./histogram-codec.ts');
    const h = createHistogram();
    for (const us of [0, 3, 900, 70_000, 3_600_000_000]) h.recordValueWithCount(us, 4);
    const buckets = toBuckets(h);
    expect(readBuckets(buckets)).toEqual({ buckets, total: 20 });
    expect(readBuckets(packBuckets(buckets))).toEqual({ buckets, total: 20 });
    expect(readBuckets(new Uint8Array())).toEqual({ buckets: [], total: 0 });
    const packed = packBuckets(buckets);
    expect(readBuckets(packed.subarray(0, packed.length - 1))).toBe('packed buckets end inside a varint');
    expect(readBuckets(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1))).toBe('a bucket varint longer than 5 bytes');
    // Two buckets, both sent in full (codes 0): (gap 5, count 1), then a gap of 0.
    expect(readBuckets(Uint8Array.of(2, 0, 10, 0))).toBe('bucket index 5 repeated');
    // One bucket in full: index 5 with a count of 2^35 + 1 (over 32 bits).
    expect(readBuckets(Uint8Array.of(1, 0, 11, 0xff, 0xff, 0xff, 0xff, 0x7f))).toMatch(/bucket count 34359738369 is not in/);
    expect(readBuckets(Uint8Array.of(200, 1, 0))).toMatch(/200 buckets need 100 bytes of codes; 1 are left/);
    expect(readBuckets(Uint8Array.of(1, 3, 9))).toBe('1 bytes after the last bucket');
    // Index 20 in full (first), then +1 and +15 with count 1 as codes, then +16 and a count of 3 in full.
    expect(packBuckets([20, 1, 21, 1, 36, 1, 52, 3])).toEqual(Uint8Array.of(4, 0x10, 0x0f, 40, 33, 1));
    expect(unpackBuckets(Uint8Array.of(4, 0x10, 0x0f, 40, 33, 1))).toEqual([20, 1, 21, 1, 36, 1, 52, 3]);
    expect(readBuckets(packBuckets([MAX_BUCKET_INDEX + 1, 1]))).toMatch(/bucket index \d+ over/);
    expect(readBuckets([3, 1, 2, 1])).toMatch(/out of order/);
    expect(readBuckets([3, 1.5])).toMatch(/bucket count 1.5/);
    expect(readBuckets([3])).toMatch(/odd number/);
    expect(readBuckets([Number.NaN, 1])).toMatch(/bucket index NaN/);
    expect(readBuckets('abc')).toMatch(/expected packed bytes/);
  });
});

describe('buckets checked, then merged (a master)', () => {
  it('gives the merge what the checks unpacked, whatever the order, for reports merged or refused', async () => {
    const { bucketList, checkBuckets, packBuckets, readBuckets } = await import('./histogram-codec.ts');
    // Lists of different lengths, so that a view of the wrong one shows.
    const lists = Array.from({ length: 6 }, (_, r) => Array.from({ length: 3 + r * 40 }, (_, i) => [5 + i * (r + 2), 1 + ((i * 7 + r) % 4)]).flat());
    const packed = lists.map((l) => packBuckets(l));
    const expectMerge = (i: number) => expect(Array.from(bucketList(packed[i]!))).toEqual(lists[i]);

    // A report: every histogram checked, then merged in order.
    for (const p of packed.slice(0, 3)) expect(typeof checkBuckets(p)).toBe('object');
    for (const i of [0, 1, 2]) expectMerge(i);
    // A report refused after its checks is never merged; the next one is.
    for (const p of packed.slice(3, 5)) checkBuckets(p);
    for (const p of packed.slice(0, 2)) checkBuckets(p);
    expectMerge(0);
    expectMerge(1);
    // Merged out of order, with other unpacking between, and a histogram never checked.
    for (const p of packed.slice(0, 4)) checkBuckets(p);
    expectMerge(2);
    expect(readBuckets(packed[5]!)).toEqual({ buckets: lists[5], total: lists[5]!.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0) });
    expectMerge(0);
    expectMerge(5);
    expectMerge(3);
    expectMerge(1);
    // A schedule's lag, checked after the entries, merged before them.
    for (const p of packed.slice(0, 5)) checkBuckets(p);
    for (const i of [4, 0, 1, 2, 3]) expectMerge(i);
    expectMerge(4);
  });
});
