import { describe, expect, it } from 'vitest';
import { PERCENTILES_TO_REPORT, bucketResponseTime, percentileLabel } from './percentiles.ts';
import { formatUtcSeconds, pyFixed, pyFloat, pyRepr } from './py-format.ts';

describe('pyFloat (Python repr of a float)', () => {
  it.each([
    [0, '0.0'],
    [1, '1.0'],
    [-3, '-3.0'],
    [187.71428571428572, '187.71428571428572'],
    [24.47892966240972, '24.47892966240972'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.2345e22, '1.2345e+22'],
    [123456789.125, '123456789.125'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
  ])('%s -> %s', (n, text) => {
    expect(pyFloat(n)).toBe(text);
  });
});

describe('pyFixed (Python %.Nf)', () => {
  it('rounds exact binary ties to even, like Python', () => {
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(3.5, 0)).toBe('4');
  });
  it('rounds non-ties on the exact value', () => {
    expect(pyFixed(0.115, 2)).toBe('0.12'); // 0.115 is 0.11500000000000000499... in binary
    expect(pyFixed(1.005, 2)).toBe('1.00'); // 1.00499999999999989...
    expect(pyFixed(4.5, 6)).toBe('4.500000');
    expect(pyFixed(0, 2)).toBe('0.00');
    expect(pyFixed(264.9444, 2)).toBe('264.94');
  });
});

describe('pyRepr (Python repr of a str)', () => {
  it('quotes like Python', () => {
    expect(pyRepr('abc')).toBe("'abc'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('say "hi"')).toBe('\'say "hi"\'');
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pyRepr('a\nb\\c\t\x01')).toBe("'a\\nb\\\\c\\t\\x01'");
    expect(pyRepr('héllo')).toBe("'héllo'");
  });
});

describe('formatUtcSeconds', () => {
  it('formats whole seconds as %Y-%m-%dT%H:%M:%SZ', () => {
    expect(formatUtcSeconds(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatUtcSeconds(1795873059.987)).toBe('2026-11-28T13:37:39Z');
  });
});

describe('bucketResponseTime (Locust test_default_bucketing)', () => {
  it.each([
    [0, 0], [45, 45], [99, 99], [1.4, 1], [1.5, 2], [2.5, 2], [99.9, 100], [100, 100], [147, 150],
    [125, 120], [135, 140], [145, 140], [999, 1000], [1000, 1000], [3432, 3400], [9999, 10000],
    [10000, 10000], [58760, 59000],
  ])('%s ms -> %s', (ms, bucket) => {
    expect(bucketResponseTime(ms)).toBe(bucket);
  });
});

describe('percentile labels', () => {
  it('match Locust get_readable_percentiles', () => {
    expect(PERCENTILES_TO_REPORT.map(percentileLabel)).toEqual([
      '50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%',
    ]);
  });
});
