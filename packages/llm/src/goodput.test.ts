import { describe, expect, it } from 'vitest';
import { GoodputError, formatGoodput, meetsGoodput, parseGoodput } from './goodput.ts';

describe('parseGoodput', () => {
  it('reads METRIC:MS items separated by spaces or commas, or as an array', () => {
    expect(parseGoodput('ttft:500 tpot:50 e2e:10000')).toEqual({ ttft: 500, tpot: 50, e2e: 10000 });
    expect(parseGoodput('ttft:500,e2el:2000')).toEqual({ ttft: 500, e2e: 2000 });
    expect(parseGoodput(['TTFT:0.5', 'tpot:12.5'])).toEqual({ ttft: 0.5, tpot: 12.5 });
    expect(formatGoodput(parseGoodput('e2e:3 ttft:1'))).toBe('ttft:1 e2e:3');
  });

  it.each([
    ['', 'expected METRIC:MS items'],
    ['ttft=500', "'ttft=500' is not METRIC:MS"],
    ['itl:5', "unknown metric 'itl'"],
    ['ttft:abc', "must be a number of milliseconds > 0, got 'abc'"],
    ['ttft:-1', 'must be a number of milliseconds > 0'],
    ['ttft:', 'must be a number of milliseconds > 0'],
    ['ttft:1 ttft:2', 'ttft is given twice'],
  ])('rejects %j with a one-line message', (input, reason) => {
    let error: unknown;
    try {
      parseGoodput(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GoodputError);
    const message = (error as Error).message;
    expect(message).toContain(reason);
    expect(message).toContain(`--goodput ${JSON.stringify(input)}`);
    expect(message).not.toContain('\n');
  });
});

describe('meetsGoodput', () => {
  const spec = { ttft: 100, tpot: 10, e2e: 1000 };
  it('needs every bound met (equal counts as met)', () => {
    expect(meetsGoodput(spec, { ttft: 100, tpot: 10, e2e: 1000 })).toBe(true);
    expect(meetsGoodput(spec, { ttft: 101, tpot: 10, e2e: 500 })).toBe(false);
    expect(meetsGoodput(spec, { ttft: 50, tpot: 10.5, e2e: 500 })).toBe(false);
    expect(meetsGoodput(spec, { ttft: 50, tpot: 5, e2e: 1001 })).toBe(false);
  });
  it('does not hold a metric the request lacks against it', () => {
    expect(meetsGoodput(spec, { e2e: 900 })).toBe(true);
    expect(meetsGoodput(spec, { ttft: 50, e2e: 900 })).toBe(true);
  });
});
