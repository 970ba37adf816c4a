import { describe, expect, it } from 'vitest';
import { formatHistogram } from './console-histogram.ts';
import { RequestStats } from './request-stats.ts';
import { takeMark, windowSince } from './stats-window.ts';

describe('formatHistogram', () => {
  it('draws log-spaced rows from min to max with counts and cumulative percent', () => {
    const stats = new RequestStats();
    for (let i = 1; i <= 2000; i++) stats.logRequest('GET', '/a', 5 + (i % 97) * (i % 13) + (i % 500 === 0 ? 3000 : 0), 0);
    const text = formatHistogram(stats.get('/a', 'GET') ?? stats.total, { width: 20, buckets: 8 });
    expect(text).toBe(
      [
        'Response time histogram: GET /a (2000 samples, min 5.00 ms, max 3665 ms)',
        '  5.00 – 11.4 ms | ███████              195 (  9.8%)',
        '  11.4 – 26.0 ms | ██▋                   75 ( 13.5%)',
        '  26.0 – 59.3 ms | █████▉               165 ( 21.8%)',
        '  59.3 –  135 ms | ███████████▌         323 ( 37.9%)',
        '   135 –  309 ms | █████████████████▎   484 ( 62.1%)',
        '   309 –  704 ms | ████████████████████ 560 ( 90.1%)',
        '   704 – 1607 ms | ██████▉              194 ( 99.8%)',
        '  1607 – 3665 ms | ▏                      4 (100.0%)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('defaults to 20 rows whose counts add up to the samples', () => {
    const stats = new RequestStats();
    for (let i = 0; i < 1000; i++) stats.logRequest('GET', '/a', 1 + i * 0.7, 0);
    stats.logRequest('GET', '/a', null, 0);
    const rows = formatHistogram(stats.total).trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(20);
    const counts = rows.map((r) => Number(/ (\d+) \(/.exec(r)?.[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(rows.at(-1)).toMatch(/\(100\.0%\)$/);
  });

  it('handles a single value, an empty entry and a window', () => {
    const stats = new RequestStats();
    expect(formatHistogram(stats.total)).toBe('Response time histogram: Aggregated\n  (no response times recorded)\n\n');
    const mark = takeMark(stats);
    stats.logRequest('GET', '/x', 42, 0);
    expect(formatHistogram(stats.total, { width: 4 })).toBe(
      'Response time histogram: Aggregated (1 sample, min 42.0 ms, max 42.0 ms)\n  42.0 – 42.0 ms | ████ 1 (100.0%)\n\n',
    );
    expect(formatHistogram(windowSince(stats, mark).get('/x', 'GET') ?? stats.total, { width: 4 })).toContain('GET /x (1 sample');
  });
});
