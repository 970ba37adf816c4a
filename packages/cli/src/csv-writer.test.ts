import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { CsvWriter, MANY_NAMES_SNAPSHOT_TICKS } from './csv-writer.ts';

function writer(stats: RequestStats) {
  const prefix = join(tempDir('csv'), 'run');
  const csv = new CsvWriter({ prefix, stats, exceptions: new ExceptionStats(), fullHistory: false, userCount: () => 1 });
  const aggregatedCount = () => readFileSync(`${prefix}_stats.csv`, 'utf8').split('\r\n').find((l) => l.startsWith(',Aggregated,'))?.split(',')[2];
  const historyRows = () => readFileSync(`${prefix}_stats_history.csv`, 'utf8').trim().split('\r\n').length - 1;
  return { csv, aggregatedCount, historyRows };
}

describe('CsvWriter with thousands of request names', () => {
  it('rewrites _stats.csv every 10 ticks instead of every tick, appends history every tick, and writes all at the end', () => {
    const stats = new RequestStats();
    for (let i = 0; i < 1500; i++) stats.logRequest('GET', `/item/${i}`, 1, 0);
    const { csv, aggregatedCount, historyRows } = writer(stats);
    csv.start();
    expect(aggregatedCount()).toBe('1500');
    stats.logRequest('GET', '/item/0', 1, 0);
    for (let t = 1; t < MANY_NAMES_SNAPSHOT_TICKS; t++) csv.tick();
    expect(aggregatedCount()).toBe('1500');
    expect(historyRows()).toBe(MANY_NAMES_SNAPSHOT_TICKS - 1);
    csv.tick();
    expect(aggregatedCount()).toBe('1501');
    stats.logRequest('GET', '/item/0', 1, 0);
    csv.final();
    expect(aggregatedCount()).toBe('1502');
  });

  it('with few names rewrites _stats.csv every tick, as Locust', () => {
    const stats = new RequestStats();
    stats.logRequest('GET', '/', 1, 0);
    const { csv, aggregatedCount } = writer(stats);
    csv.start();
    stats.logRequest('GET', '/', 1, 0);
    csv.tick();
    expect(aggregatedCount()).toBe('2');
    csv.final();
  });
});
