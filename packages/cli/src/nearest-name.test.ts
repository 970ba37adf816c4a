import { describe, expect, it } from 'vitest';
import { nearestName, similarity } from './nearest-name.ts';

describe('similarity', () => {
  // The figures Python's difflib.SequenceMatcher(None, a, b).ratio() gives.
  it.each([
    ['--unknown-flag-print-stats', '--print-stats', 2 / 3],
    ['--userz', '--users', 6 / 7],
    ['abcd', 'bcda', 0.75],
    ['--tags', '--exclude-tags', 0.6],
    ['', '', 1],
    ['abc', 'xyz', 0],
  ])('%s ~ %s = %d', (a, b, ratio) => {
    expect(similarity(a, b)).toBeCloseTo(ratio, 10);
  });
});

describe('nearestName', () => {
  it('picks the most similar candidate at or above the cutoff', () => {
    expect(nearestName('--hots', ['--host', '--headless', '--html'])).toBe('--host');
    expect(nearestName('--zzzz', ['--host', '--users'])).toBeUndefined();
  });
});
