import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfigText, readConfigFiles, splitList } from './config-file.ts';
import { CliError } from './errors.ts';

/** The settings of a config file's text, as a plain object. */
function parsed(text: string): Record<string, unknown> {
  return Object.fromEntries(parseConfigText(text, 'locust.conf'));
}

describe('parseConfigText', () => {
  it('reads key = value, key: value and key=value', () => {
    expect(parsed('users = 5\nspawn-rate: 2\nhost=http://127.0.0.1:8080')).toEqual({ users: '5', 'spawn-rate': '2', host: 'http://127.0.0.1:8080' });
  });

  it('keeps everything after the first separator in the value', () => {
    expect(parsed('host = http://127.0.0.1/?a=b:c')).toEqual({ host: 'http://127.0.0.1/?a=b:c' });
  });

  it('reads a bare key, or a key with no value, as a flag that is on', () => {
    expect(parsed('headless\nautostart =')).toEqual({ headless: true, autostart: true });
  });

  it('reads [a, b] as a list, split on commas and spaces', () => {
    expect(parsed('tags = [a, b c,,d]')).toEqual({ tags: ['a', 'b', 'c', 'd'] });
    expect(parsed('tags = []')).toEqual({ tags: [] });
  });

  it('writes underscores in keys as dashes, as Locust does', () => {
    expect(parsed('spawn_rate = 3\nrun_time = 1m')).toEqual({ 'spawn-rate': '3', 'run-time': '1m' });
  });

  it('skips blank lines, # and ; comments and [section] lines, with CRLF line ends', () => {
    expect(parsed('# a comment\r\n; another\r\n\r\n[locust]\r\n  users = 3  \r\n')).toEqual({ users: '3' });
  });

  it('lets a later line win over an earlier one', () => {
    expect(parsed('users = 1\nusers = 2')).toEqual({ users: '2' });
  });

  it('names the file and the line of a line it cannot read (exit code 2)', () => {
    let error: unknown;
    try {
      parseConfigText('users = 1\n\n-u 5', 'conf/run.conf');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toBe("conf/run.conf:3: cannot parse '-u 5' (expected key = value)");
  });
});

describe('splitList', () => {
  it('splits on commas and whitespace and drops empty items', () => {
    expect(splitList(' a,b  c ,\td,')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('')).toEqual([]);
  });
});

describe('readConfigFiles', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** A home folder and a working folder, each with the given files. */
  function folders(home: Record<string, string>, cwd: Record<string, string>): { home: string; cwd: string } {
    const root = tempDir('config');
    const dirs = { home: join(root, 'home'), cwd: join(root, 'work') };
    for (const [dir, files] of [
      [dirs.home, home],
      [dirs.cwd, cwd],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    }
    // os.homedir() reads HOME first.
    vi.stubEnv('HOME', dirs.home);
    return dirs;
  }

  it('reads ~/.locust.conf, ~/.locusta.conf, ./locust.conf, ./locusta.conf, then --config; later files win', () => {
    const { cwd } = folders(
      { '.locust.conf': 'users = 1\nspawn-rate = 1\nrun-time = 1s\nhost = http://a.test\nloglevel = DEBUG', '.locusta.conf': 'spawn-rate = 2\nrun-time = 2s\nhost = http://b.test\nloglevel = INFO' },
      { 'locust.conf': 'run-time = 3s\nhost = http://c.test\nloglevel = WARNING', 'locusta.conf': 'host = http://d.test\nloglevel = ERROR', 'extra.conf': 'loglevel = CRITICAL' },
    );
    expect(Object.fromEntries(readConfigFiles(cwd, 'extra.conf'))).toEqual({
      users: '1',
      'spawn-rate': '2',
      'run-time': '3s',
      host: 'http://d.test',
      loglevel: 'CRITICAL',
    });
  });

  it('is empty when no file exists and no --config is given', () => {
    const { cwd } = folders({}, {});
    expect(readConfigFiles(cwd).size).toBe(0);
  });

  it('reads --config relative to the working folder, and names it in errors', () => {
    const { cwd } = folders({}, { 'bad.conf': 'users = 1\n!' });
    expect(() => readConfigFiles(cwd, 'bad.conf')).toThrow("bad.conf:2: cannot parse '!' (expected key = value)");
  });

  it('refuses a --config file that cannot be read, with its error code', () => {
    const { cwd } = folders({}, {});
    expect(() => readConfigFiles(cwd, 'missing.conf')).toThrow('Could not read config file missing.conf: ENOENT');
    expect(() => readConfigFiles(cwd, '.')).toThrow('Could not read config file .: EISDIR');
  });
});
