import { describe, expect, it } from 'vitest';
import { chartCount, chartNumber, ninesLabel } from './chart-format.ts';

describe('chart number texts', () => {
  it('shortens large values and keeps more decimals for small ones', () => {
    expect([1_234_567, 12_345, 150.4, 12.34, 1.23456, 0].map(chartNumber)).toEqual(['1.2M', '12.3k', '150', '12.3', '1.235', '0']);
  });

  it('shows a dash where there is no value', () => {
    expect([null, undefined, NaN, Infinity].map(chartNumber)).toEqual(['–', '–', '–', '–']);
    expect(chartCount(null)).toBe('–');
    expect(chartCount(1234.4)).toBe('1,234');
  });

  it('labels nines as percentiles', () => {
    expect([0, 1, 2, 3, 5].map(ninesLabel)).toEqual(['0%', '90%', '99%', '99.9%', '99.999%']);
  });
});
