import { describe, expect, it } from 'vitest';
import { PERCENTILES_TO_REPORT } from './percentiles.ts';
import { RequestStats } from './request-stats.ts';

const T = 1_700_000_000;

function fakeClock(start = T + 0.25): { clock: () => number; set: (t: number) => void } {
  let now = start;
  return { clock: () => now, set: (t) => (now = t) };
}

const round = (n: number | null): number | null => (n === null ? null : Math.round(n));

describe('percentiles (Locust test_percentile, exact histogram)', () => {
  // HdrHistogram uses nearest rank: the p-th percentile is the ceil(p*n)-th smallest sample.
  // For 0..99 that is 49 for p50 (Locust's descending walk gives 50, the floor(p*n)+1-th).
  it('logging 0..99 gives p50=49, p60=59, p95=94', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/', i, 0);
    const e = stats.get('/', 'GET')!;
    expect(round(e.getResponseTimePercentile(0.5))).toBe(49);
    expect(round(e.getResponseTimePercentile(0.6))).toBe(59);
    expect(round(e.getResponseTimePercentile(0.95))).toBe(94);
    expect(e.getResponseTimePercentile(1)).toBe(99);
    expect(e.medianResponseTime).toBe(e.getResponseTimePercentile(0.5));
  });

  it('None response times are left out of the denominator', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/', i, 0);
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/', null, 0);
    const e = stats.get('/', 'GET')!;
    expect(e.numRequests).toBe(200);
    expect(e.numNoneRequests).toBe(100);
    expect(round(e.getResponseTimePercentile(0.5))).toBe(49);
    expect(round(e.getResponseTimePercentile(0.95))).toBe(94);
    expect(e.avgResponseTime).toBe(49.5);
  });

  it('keeps 3 significant digits and p100 is the exact max (no Locust #331/#254/#777)', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    for (const rt of [1234.5, 1236.7, 1238.9, 5678.25]) stats.logRequest('GET', '/', rt, 0);
    const e = stats.get('/', 'GET')!;
    expect(e.getResponseTimePercentile(1)).toBe(5678.25);
    expect(Math.abs(e.getResponseTimePercentile(0.5) - 1236.7)).toBeLessThan(1.3); // within 0.1 %
    const ps = e.responseTimePercentiles(PERCENTILES_TO_REPORT);
    for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeGreaterThanOrEqual(ps[i - 1]!);
    expect(Math.max(...ps)).toBeLessThanOrEqual(e.maxResponseTime);
  });
});

describe('the Locust fixture {45, 135, 44, None, 375, 601, 35, 79, None} + 3 errors', () => {
  function fixture() {
    const c = fakeClock();
    const stats = new RequestStats({ clock: c.clock });
    for (const rt of [45, 135, 44, null, 375, 601, 35, 79, null]) stats.logRequest('GET', '/', rt, 1);
    for (let i = 0; i < 3; i++) stats.logError('GET', '/', 'dummy error');
    return { stats, c, e: stats.get('/', 'GET')! };
  }

  it('counts, median, avg, min, max, content length', () => {
    const { e } = fixture();
    expect(e.numRequests).toBe(9);
    expect(e.numFailures).toBe(3);
    expect(round(e.medianResponseTime)).toBe(79); // bucket top 79.039, within 0.1 %
    expect(e.avgResponseTime).toBe(187.71428571428572);
    expect(e.minResponseTime).toBe(35);
    expect(e.maxResponseTime).toBe(601);
    expect(e.totalContentLength).toBe(9);
    expect(e.avgContentLength).toBe(1);
    expect(e.failRatio).toBeCloseTo(1 / 3, 12);
  });

  it('current rps uses the global last timestamp (test_current_rps)', () => {
    const { stats, e } = fixture();
    stats.total.lastRequestTimestamp = T + 4;
    expect(e.currentRps).toBe(4.5);
    stats.total.lastRequestTimestamp = T + 25;
    expect(e.currentRps).toBe(0);
  });

  it('current fail/s (test_current_fail_per_sec)', () => {
    const { stats, e } = fixture();
    stats.total.lastRequestTimestamp = T + 4;
    expect(e.currentFailPerSec).toBe(1.5);
    stats.total.lastRequestTimestamp = T + 12;
    expect(e.currentFailPerSec).toBe(0.3);
    stats.total.lastRequestTimestamp = T + 25;
    expect(e.currentFailPerSec).toBe(0);
  });

  it('total rps divides by the global run time', () => {
    const { stats, e } = fixture();
    stats.total.lastRequestTimestamp = T + 0.25 + 3;
    expect(e.totalRps).toBe(3);
    expect(e.totalFailPerSec).toBe(1);
  });
});

describe('median and fail ratio edge cases', () => {
  it('a single 6034 or 6099 is its own median (test_median_out_of_min_max_bounds)', () => {
    for (const rt of [6034, 6099]) {
      const stats = new RequestStats({ clock: fakeClock().clock });
      stats.logRequest('GET', '/', rt, 0);
      expect(stats.get('/', 'GET')!.medianResponseTime).toBe(rt);
    }
  });

  it('fail ratio with no requests is 1 with failures, else 0', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    expect(stats.total.failRatio).toBe(0);
    stats.logError('GET', '/', 'x');
    expect(stats.get('/', 'GET')!.failRatio).toBe(1);
    expect(stats.total.failRatio).toBe(1);
  });

  it('[0, 800, 700, 4x None]: median 700, avg 500; only None: 0 and 0 (test_worker_stats_report_with_none_response_times)', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    for (const rt of [0, 800, 700, null, null, null, null]) stats.logRequest('GET', '/mixed', rt, 0);
    for (let i = 0; i < 3; i++) stats.logRequest('GET', '/none', null, 0);
    expect(round(stats.get('/mixed', 'GET')!.medianResponseTime)).toBe(700);
    expect(stats.get('/mixed', 'GET')!.avgResponseTime).toBe(500);
    expect(stats.get('/none', 'GET')!.medianResponseTime).toBe(0);
    expect(stats.get('/none', 'GET')!.avgResponseTime).toBe(0);
    expect(stats.get('/none', 'GET')!.getResponseTimePercentile(0.95)).toBe(0);
  });

  it('a single 122 reports 122 in every percentile (Locust: 120, test_percentile_rounded_down)', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    stats.logRequest('GET', '/', 122, 0);
    const ps = stats.get('/', 'GET')!.responseTimePercentiles(PERCENTILES_TO_REPORT).map(Math.round);
    expect(ps).toEqual(PERCENTILES_TO_REPORT.map(() => 122));
  });

  it('percentiles stay inside [min, max] for sub-ms and near-second floats (test_stats_rounding)', () => {
    const stats = new RequestStats({ clock: fakeClock().clock });
    stats.logRequest('GET', '/', 1.39764125, 0);
    stats.logRequest('GET', '/', 999.9764125, 0);
    const e = stats.get('/', 'GET')!;
    expect(Math.round(e.minResponseTime!)).toBe(1);
    expect(Math.round(e.maxResponseTime)).toBe(1000);
    expect(e.getResponseTimePercentile(0.5)).toBeCloseTo(1.398, 3);
    expect(e.getResponseTimePercentile(1)).toBe(999.9764125);
  });
});

describe('current response time percentiles (window of complete seconds [now-10, now))', () => {
  it('counts only the last 10 complete seconds (test_get_current_response_time_percentile)', () => {
    const c = fakeClock(T + 0.5);
    const stats = new RequestStats({ clock: c.clock, windowedEntries: true });
    stats.logRequest('GET', '/', 5000, 0); // second T: will fall out of the window
    c.set(T + 5.5);
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/', i, 0);
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/', null, 0);
    c.set(T + 12.5); // window = [T+2, T+12)
    const e = stats.get('/', 'GET')!;
    stats.logRequest('GET', '/', 7000, 0); // the current second is not in the window yet
    expect(round(e.getCurrentResponseTimePercentile(0.95))).toBe(94);
    expect(e.getCurrentResponseTimePercentile(1)).toBe(99);
    expect(round(stats.total.getCurrentResponseTimePercentile(0.5))).toBe(49);
    // the cumulative percentile still sees everything
    expect(e.getResponseTimePercentile(1)).toBe(7000);
  });

  it('is null outside the window, and without windows for entries', () => {
    const c = fakeClock(T + 0.5);
    const windowed = new RequestStats({ clock: c.clock, windowedEntries: true });
    const plain = new RequestStats({ clock: c.clock });
    windowed.logRequest('GET', '/', 10, 0);
    plain.logRequest('GET', '/', 10, 0);
    expect(windowed.get('/', 'GET')!.getCurrentResponseTimePercentile(0.5)).toBeNull(); // same second
    c.set(T + 1.5);
    expect(windowed.get('/', 'GET')!.getCurrentResponseTimePercentile(0.5)).toBe(10);
    expect(plain.get('/', 'GET')!.getCurrentResponseTimePercentile(0.5)).toBeNull();
    expect(plain.total.getCurrentResponseTimePercentile(0.5)).toBe(10); // Aggregated always keeps windows
    c.set(T + 11.5);
    expect(windowed.get('/', 'GET')!.getCurrentResponseTimePercentile(0.5)).toBeNull();
  });

  it('recycles its ring: a value logged 11 s later replaces the old second', () => {
    const c = fakeClock(T + 0.5);
    const stats = new RequestStats({ clock: c.clock });
    for (let s = 0; s < 30; s++) {
      c.set(T + s + 0.5);
      stats.logRequest('GET', '/', 100 + s, 0);
    }
    c.set(T + 30.5); // window = seconds T+20 .. T+29 -> values 120..129
    expect(stats.total.getCurrentResponseTimePercentile(0)).toBe(120);
    expect(stats.total.getCurrentResponseTimePercentile(1)).toBe(129);
    expect(round(stats.total.getCurrentResponseTimePercentile(0.5))).toBe(124);
  });
});

describe('reset', () => {
  it('zeroes entries and total, keeps the entries, drops errors, restarts the clock', () => {
    const c = fakeClock();
    const stats = new RequestStats({ clock: c.clock, windowedEntries: true });
    stats.logRequest('GET', '/', 10, 5);
    stats.logError('GET', '/', 'boom');
    c.set(T + 7.5);
    stats.reset();
    const e = stats.get('/', 'GET')!;
    expect(stats.entries()).toEqual([e]);
    expect([e.numRequests, e.numFailures, e.totalContentLength, e.minResponseTime, e.maxResponseTime]).toEqual([0, 0, 0, null, 0]);
    expect(e.histogram().totalCount).toBe(0);
    expect(stats.total.numRequests).toBe(0);
    expect(stats.total.startTime).toBe(T + 7.5);
    expect(stats.errors()).toEqual([]);
    c.set(T + 8.5);
    expect(stats.total.getCurrentResponseTimePercentile(0.5)).toBeNull();
  });
});
