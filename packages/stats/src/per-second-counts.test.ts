import { describe, expect, it } from 'vitest';
import { PerSecondCounts } from './per-second-counts.ts';

describe('PerSecondCounts', () => {
  it('keeps every second, in the ring and after it left the ring, and late counts too', () => {
    const c = new PerSecondCounts();
    const t = 1_700_000_000;
    for (let s = 0; s < 50; s++) {
      c.addRequests(t + s, s + 1);
      if (s % 7 === 0) c.addFailures(t + s, 1);
    }
    c.addRequests(t + 3, 100); // long gone from the ring
    const requests = Array.from({ length: 50 }, (_, s): [number, number] => [t + s, s + 1 + (s === 3 ? 100 : 0)]);
    expect(c.requestPairs()).toEqual(requests);
    expect(c.failurePairs()).toEqual(requests.filter(([sec]) => (sec - t) % 7 === 0).map(([sec]) => [sec, 1]));
    expect(c.requestsAt(t + 3)).toBe(104);
    expect(c.requestsAt(t + 49)).toBe(50);
    expect(c.failuresAt(t + 49)).toBe(1);
    expect(c.failuresAt(t + 48)).toBe(0);
    expect(c.requestsAt(t + 60)).toBe(0);
    c.reset();
    expect(c.requestPairs()).toEqual([]);
    expect(c.requestsAt(t + 49)).toBe(0);
  });
});
