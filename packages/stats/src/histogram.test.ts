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
