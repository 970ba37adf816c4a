import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { OutputPaths, prepareOutputs } from './output-paths.ts';

// The options and run settings as the CLI hands them over; only these helpers know their shape.
type Options = Parameters<typeof prepareOutputs>[0];
type Settings = Parameters<typeof prepareOutputs>[1];

function options(values: Record<string, unknown>): Options {
  return { ...values } as Options;
}

function settings(values: Partial<Settings> = {}): Settings {
  return { users: 1, spawnRate: 1, runTime: undefined, stopTimeout: 0, host: undefined, ...values };
}

/** The message of the usage error (exit code 2) that preparing `values` gives. */
function usageError(values: Record<string, unknown>): string {
  try {
    prepareOutputs(options(values), settings());
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as CliError).message;
  }
  throw new Error(`accepted: ${JSON.stringify(values)}`);
}

describe('prepareOutputs', () => {
  it('makes the missing folders of every output', () => {
    const dir = tempDir('outputs');
    prepareOutputs(
      options({
        csv: join(dir, 'csv/run'),
        html: join(dir, 'html/report.html'),
        jsonFile: join(dir, 'json/stats'),
        hdrLog: join(dir, 'hdr/a/b.hlog'),
        logfile: join(dir, 'log/locusta.log'),
        requestsLog: join(dir, 'requests/r.jsonl'),
      }),
      settings(),
    );
    for (const folder of ['csv', 'html', 'json', 'hdr/a', 'log', 'requests']) expect(existsSync(join(dir, folder)), folder).toBe(true);
    // Only folders: the files are the writers' to make.
    expect(existsSync(join(dir, 'csv/run_stats.csv'))).toBe(false);
  });

  it('fills {u}, {r} and {t} of --html before making its folder', () => {
    const dir = tempDir('outputs');
    prepareOutputs(options({ html: join(dir, 'u{u}-r{r}-t{t}/report.html') }), settings({ users: 20, spawnRate: 2.5, runTime: 60 }));
    expect(existsSync(join(dir, 'u20-r2-t60'))).toBe(true);
  });

  it('does nothing without outputs, or with empty values', () => {
    expect(() => prepareOutputs(options({ csv: '', html: '' }), settings())).not.toThrow();
  });

  it('refuses an output that is a directory, naming the option and the value as given', () => {
    const dir = tempDir('outputs');
    mkdirSync(join(dir, 'stats.json'));
    mkdirSync(join(dir, 'run_stats.csv'));
    expect(usageError({ html: dir })).toBe(`argument --html: cannot write '${dir}': it is a directory`);
    expect(usageError({ jsonFile: join(dir, 'stats') })).toBe(`argument --json-file: cannot write '${join(dir, 'stats')}': it is a directory`);
    expect(usageError({ csv: join(dir, 'run') })).toBe(`argument --csv: cannot write '${join(dir, 'run')}': it is a directory`);
  });

  it('refuses a --requests-log under a file, naming the option', () => {
    const dir = tempDir('outputs');
    writeFileSync(join(dir, 'plain'), '');
    expect(usageError({ requestsLog: join(dir, 'plain/r.jsonl') })).toBe(
      `argument --requests-log: cannot write '${join(dir, 'plain/r.jsonl')}': ${join(dir, 'plain')} is not a directory`,
    );
  });

  it('refuses an output under a file, naming that file', () => {
    const dir = tempDir('outputs');
    writeFileSync(join(dir, 'plain'), '');
    expect(usageError({ hdrLog: join(dir, 'plain/sub/run.hlog') })).toBe(
      `argument --hdr-log: cannot write '${join(dir, 'plain/sub/run.hlog')}': ${join(dir, 'plain')} is not a directory`,
    );
    expect(usageError({ logfile: join(dir, 'plain/run.log') })).toMatch(/^argument --logfile: cannot write '.*': .* is not a directory$/);
  });

  it('checks every output before making any folder', () => {
    const dir = tempDir('outputs');
    writeFileSync(join(dir, 'plain'), '');
    expect(usageError({ csv: join(dir, 'new/run'), html: join(dir, 'plain/report.html') })).toMatch(/^argument --html: /);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  // Root may write anywhere: the permission checks only mean something for other users.
  it.skipIf(process.getuid?.() === 0)('refuses a folder or a file it may not write', () => {
    const dir = tempDir('outputs');
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'read-only.log'), '');
    chmodSync(join(dir, 'locked'), 0o500);
    chmodSync(join(dir, 'read-only.log'), 0o400);
    expect(usageError({ csv: join(dir, 'locked/run') })).toBe(`argument --csv: cannot write '${join(dir, 'locked/run')}': ${join(dir, 'locked')} is not writable`);
    expect(usageError({ logfile: join(dir, 'read-only.log') })).toBe(`argument --logfile: cannot write '${join(dir, 'read-only.log')}': permission denied`);
  });
});

const pathSettings = { users: 12, spawnRate: 2.5, runTime: 60 };

describe('OutputPaths: every output file name, derived once', () => {
  it('names the --csv files, the --json-file parts and the --html file with its substitutions', () => {
    const paths = new OutputPaths(options({ csv: 'out/run', jsonFile: 'out/stats', html: 'out/report-{u}-{r}-{t}.html', hdrLog: 'out/h.hlog' }), pathSettings);
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
    const paths = new OutputPaths(options({ csv: '', html: undefined }), pathSettings);
    expect(paths.csvPrefix).toBeUndefined();
    expect(paths.json('llm')).toBeUndefined();
    expect(paths.html).toBeUndefined();
    expect(paths.checked()).toEqual([]);
  });
});
