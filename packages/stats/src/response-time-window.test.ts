import { describe, expect, it } from 'vitest';
import { toBuckets } from './histogram-codec.ts';
import { LAYOUT, createHistogram, recordMicros, toMicros } from './histogram.ts';
import { ResponseTimeWindow } from './response-time-window.ts';

const PS = [0, 0.01, 0.1, 0.25, 0.5, 0.66, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

describe('the current-percentiles window', () => {
  it('given a report\'s buckets, answers as if it had recorded each request', () => {
    let x = 3;
    const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const second = 1_700_000_000;
    const byRequest = new ResponseTimeWindow();
    const byReport = new ResponseTimeWindow();
    // Three reports in one second: times from 0 to over 35 minutes (past 2^31 µs), with repeats.
    for (let report = 0; report < 3; report++) {
      const h = createHistogram();
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < 3000; i++) {
        const ms = i % 50 === 0 ? 0 : i % 997 === 0 ? 2_500_000 + i : 0.05 * Math.exp(rand() * 14) * (1 + report);
        byRequest.record(second, ms, toMicros(ms));
        recordMicros(h, toMicros(ms));
        min = Math.min(min, ms);
        max = Math.max(max, ms);
      }
      byReport.addBuckets(second, toBuckets(h), LAYOUT, min, max);
    }
    expect(byReport.percentiles(second + 1, PS)).toEqual(byRequest.percentiles(second + 1, PS));
    expect(byReport.percentiles(second + 1, PS)![PS.length - 1]).toBeGreaterThan(2_500_000);
  });
});
