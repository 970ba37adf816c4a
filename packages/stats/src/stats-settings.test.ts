import { afterEach, describe, expect, it } from 'vitest';
import { formatPercentilesTable } from './console-report.ts';
import { historyCsvHeader, statsCsv } from './csv-report.ts';
import { RequestStats } from './request-stats.ts';
import { DEFAULT_STATS_SETTINGS, resetStatsSettings, statsSettings, statsSettingsProblem } from './stats-settings.ts';

afterEach(() => resetStatsSettings());

describe('statsSettingsProblem', () => {
  it('accepts the defaults', () => {
    expect(statsSettingsProblem(DEFAULT_STATS_SETTINGS as never)).toBeUndefined();
  });

  it.each([
    [{ PERCENTILES_TO_CHART: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] }, 'PERCENTILES_TO_CHART: at most 6 percentiles can be charted, got 7'],
    [{ PERCENTILES_TO_CHART: [0.5, 1] }, 'PERCENTILES_TO_CHART: 1 is not a fraction strictly between 0 and 1'],
    [{ PERCENTILES_TO_STATISTICS: [0] }, 'PERCENTILES_TO_STATISTICS: 0 is not a fraction strictly between 0 and 1'],
    [{ PERCENTILES_TO_REPORT: [0.5, 99] }, 'PERCENTILES_TO_REPORT: 99 is not a fraction in (0, 1]'],
    [{ PERCENTILES_TO_REPORT: [] }, 'PERCENTILES_TO_REPORT must be a non-empty list of fractions, e.g. [0.5, 0.95]'],
    [{ CSV_STATS_INTERVAL_SEC: 0 }, 'CSV_STATS_INTERVAL_SEC must be a number of seconds > 0, got 0'],
    [{ CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW: 2.5 }, 'CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW must be a whole number of seconds from 1 to 3600, got 2.5'],
  ])('%o: %s', (change, message) => {
    expect(statsSettingsProblem({ ...statsSettings, ...change })).toBe(message);
  });
});

describe('outputs follow PERCENTILES_TO_REPORT', () => {
  function stats(): RequestStats {
    const s = new RequestStats();
    for (let ms = 1; ms <= 100; ms++) s.logRequest('GET', '/a', ms, 0);
    return s;
  }

  it('the CSV columns and values, the history header and the console table', () => {
    statsSettings.PERCENTILES_TO_REPORT = [0.5, 0.9, 0.999];
    const [header, row] = statsCsv(stats()).split('\r\n');
    expect(header!.split(',').slice(-3)).toEqual(['50%', '90%', '99.9%']);
    expect(header!.split(',')).toHaveLength(14);
    expect(row!.split(',').slice(-3)).toEqual(['50', '90', '100']);
    expect(historyCsvHeader().split(',').slice(6, 9)).toEqual(['50%', '90%', '99.9%']);
    const table = formatPercentilesTable(stats(), { nameWidth: 10 }).split('\n');
    expect(table[1]!.trim().split(/\s+/)).toEqual(['Type', 'Name', '50%', '90%', '99.9%', '#', 'reqs']);
    expect(table[3]!.trim().split(/\s+/)).toEqual(['GET', '/a', '50', '90', '100', '100']);
  });
});

describe('the current window follows CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW', () => {
  it('leaves out seconds older than the window', () => {
    let now = 1_000;
    const clock = () => now;
    statsSettings.CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW = 2;
    const short = new RequestStats({ clock, windowedEntries: true });
    resetStatsSettings();
    const long = new RequestStats({ clock, windowedEntries: true });
    for (const s of [short, long]) s.logRequest('GET', '/a', 500, 0);
    now += 1;
    for (const s of [short, long]) s.logRequest('GET', '/a', 10, 0);
    now += 2;
    // 3 s later: the 2 s window holds only the 10 ms request; the 10 s window both.
    expect(short.total.currentResponseTimePercentiles([1])?.[0]).toBeLessThan(20);
    expect(long.total.currentResponseTimePercentiles([1])?.[0]).toBeGreaterThan(400);
  });
});
