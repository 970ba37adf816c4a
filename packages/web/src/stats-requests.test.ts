import { RequestStats } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import { MAX_ROWS, requestsReport } from './routes/stats-requests.ts';
import type { WebRunner } from './web-runner.ts';

function runnerWith(stats: RequestStats): WebRunner {
  return { stats, state: () => 'running', userCount: () => 1 } as unknown as WebRunner;
}

describe('/stats/requests with more entries than the UI lists', () => {
  it('lists the 500 busiest entries in name order, and says how many entries and errors were left out', () => {
    const stats = new RequestStats();
    for (let i = 0; i < 1200; i++) {
      // /n/0000 .. /n/1199: the later names get more requests.
      const name = `/n/${String(i).padStart(4, '0')}`;
      for (let k = 0; k < 1 + Math.floor(i / 100); k++) stats.logRequest('GET', name, 5, 0);
      stats.logError('GET', name, new Error(`e${i}`));
    }
    const report = requestsReport(runnerWith(stats));
    const rows = report['stats'] as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(MAX_ROWS + 1);
    const names = rows.slice(0, -1).map((r) => String(r['name']));
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('/n/0700');
    expect(rows.at(-1)?.['name']).toBe('Aggregated');
    expect(report['omitted_entries']).toBe(700);
    expect(report['omitted_errors']).toBe(700);
    expect(String(report['warning'])).toMatch(/More than 1000 distinct request names \(1200\): group URLs with name=/);
  });

  it('adds none of these keys when every entry is listed', () => {
    const stats = new RequestStats();
    stats.logRequest('GET', '/', 5, 0);
    const report = requestsReport(runnerWith(stats));
    expect(Object.keys(report)).not.toContain('omitted_entries');
    expect(Object.keys(report)).not.toContain('warning');
  });
});
