import { describe, expect, it } from 'vitest';
import { checkExcluded } from './excluded-report.ts';

describe("a worker report's excluded counts", () => {
  it('are accepted as three whole numbers >= 0', () => {
    expect(checkExcluded({ warmup: 3, cooldown: 0, reset: 1 })).toBeUndefined();
  });

  it('are refused, naming the field, when a count is missing, negative, fractional or no number', () => {
    expect(checkExcluded({ warmup: 3, cooldown: 0 })).toMatch(/^\.reset: /);
    expect(checkExcluded({ warmup: -1, cooldown: 0, reset: 0 })).toMatch(/^\.warmup: expected an integer/);
    expect(checkExcluded({ warmup: 1.5, cooldown: 0, reset: 0 })).toMatch(/^\.warmup: /);
    expect(checkExcluded({ warmup: 0, cooldown: Number.NaN, reset: 0 })).toMatch(/^\.cooldown: /);
    expect(checkExcluded([1, 2, 3])).toMatch(/an object/);
  });
});
