import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputPaths } from './output-paths.ts';

const settings = { users: 12, spawnRate: 2.5, runTime: 60 };

describe('OutputPaths: every output file name, derived once', () => {
  it('names the --csv files, the --json-file parts and the --html file with its substitutions', () => {
    const paths = new OutputPaths({ csv: 'out/run', jsonFile: 'out/stats', html: 'out/report-{u}-{r}-{t}.html', hdrLog: 'out/h.hlog' }, settings);
    expect(paths.csvPrefix).toBe(resolve('out/run'));
    expect(paths.csv('stats_history')).toBe(resolve('out/run_stats_history.csv'));
    expect(paths.json()).toBe(resolve('out/stats.json'));
    expect(paths.json('llm')).toBe(resolve('out/stats_llm.json'));
    expect(paths.html).toBe(resolve('out/report-12-2-60.html'));
    expect(paths.hdrLog).toBe(resolve('out/h.hlog'));
    // Checked before the run: --csv's first file stands for the prefix.
    expect(paths.checked().map((f) => [f.flag, f.file])).toEqual([
      ['--csv', resolve('out/run_stats.csv')],
      ['--html', resolve('out/report-12-2-60.html')],
      ['--json-file', resolve('out/stats.json')],
      ['--hdr-log', resolve('out/h.hlog')],
    ]);
  });

  it('has no files for options not given (or given empty)', () => {
    const paths = new OutputPaths({ csv: '', html: undefined }, settings);
    expect(paths.csvPrefix).toBeUndefined();
    expect(paths.json('llm')).toBeUndefined();
    expect(paths.html).toBeUndefined();
    expect(paths.checked()).toEqual([]);
  });
});
