import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputExtension } from '@locusta/core';
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

describe('CsvWriter with output families', () => {
  it('makes a family history file on its first rows, appends after, and writes its files at the end; a failed file does not stop the others', () => {
    const dir = tempDir('csv');
    const prefix = join(dir, 'run');
    let rows = '';
    const failures: string[] = [];
    const family: OutputExtension = {
      name: 'family',
      historyCsv: { suffix: 'family_history', header: () => 'H\r\n', rows: ({ fullHistory }) => (rows === '' ? '' : `${rows},${fullHistory}\r\n`) },
      // A suffix naming a folder that does not exist: that write fails, the next one is made.
      csvFiles: () => [{ suffix: 'family/none', content: 'x\r\n' }, { suffix: 'family', content: 'A,B\r\n1,2\r\n' }],
    };
    const csv = new CsvWriter({
      prefix,
      stats: new RequestStats(),
      exceptions: new ExceptionStats(),
      fullHistory: true,
      userCount: () => 1,
      outputs: () => [family, { name: 'empty' }],
      attempt: (file, write) => {
        try {
          write();
        } catch {
          failures.push(file);
        }
      },
    });
    csv.start();
    csv.tick();
    expect(existsSync(`${prefix}_family_history.csv`)).toBe(false);
    rows = '1';
    csv.tick();
    rows = '2';
    csv.final();
    expect(readFileSync(`${prefix}_family_history.csv`, 'utf8')).toBe('H\r\n1,true\r\n2,true\r\n');
    expect(readFileSync(`${prefix}_family.csv`, 'utf8')).toBe('A,B\r\n1,2\r\n');
    expect(failures).toEqual([`${prefix}_family/none.csv`]);
    expect(readdirSync(dir).sort()).toEqual(['run_exceptions.csv', 'run_failures.csv', 'run_family.csv', 'run_family_history.csv', 'run_stats.csv', 'run_stats_history.csv']);
  });
});
