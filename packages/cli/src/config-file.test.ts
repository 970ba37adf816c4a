import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfigText, readConfigFiles } from './config-file.ts';
import { parseTomlConfig } from './toml-config.ts';
import { CliError } from './errors.ts';

/** The values of a config file's text, as a plain object. */
function parsed(text: string): Record<string, unknown> {
  return Object.fromEntries([...parseConfigText(text, 'locust.conf')].map(([k, v]) => [k, v.value]));
}

describe('parseConfigText', () => {
  it('reads key = value, key: value, key=value, key value and --key value', () => {
    expect(parsed('users = 5\nspawn-rate: 2\nhost=http://127.0.0.1:8080\nrun-time 1m\n--web-port 9000')).toEqual({
      users: '5',
      'spawn-rate': '2',
      host: 'http://127.0.0.1:8080',
      'run-time': '1m',
      'web-port': '9000',
    });
  });

  it('keeps everything after the first separator in the value', () => {
    expect(parsed('host = http://127.0.0.1/?a=b:c')).toEqual({ host: 'http://127.0.0.1/?a=b:c' });
  });

  // Locust's test_parse_two_line_conf_file
  it('strips matching quotes around a value', () => {
    expect(parsed('users = 10\nhost = "https://example.com"')).toEqual({ users: '10', host: 'https://example.com' });
    expect(parsed("host = 'https://example.com'\nhtml = \"it's.html\"")).toEqual({ host: 'https://example.com', html: "it's.html" });
    // Unmatched quotes stay.
    expect(parsed('host = "https://example.com')).toEqual({ host: '"https://example.com' });
  });

  it('drops a comment after the value, but keeps a # inside it', () => {
    expect(parsed('users = 9 # nine users\nspawn-rate = 2 ; per second\nhost = http://x.test/#frag')).toEqual({ users: '9', 'spawn-rate': '2', host: 'http://x.test/#frag' });
  });

  it('reads a bare key as a flag that is on, and key = as an empty value', () => {
    const settings = parseConfigText('headless\nhtml =', 'locust.conf');
    expect(settings.get('headless')).toEqual({ value: 'true', bare: true, source: 'locust.conf' });
    expect(settings.get('html')).toEqual({ value: '', source: 'locust.conf' });
  });

  it('reads [a, b] as a list split on commas, and JSON lists', () => {
    expect(parsed('tags = [Critical, Normal]')).toEqual({ tags: ['Critical', 'Normal'] });
    expect(parsed('tags = ["a, b", "c"]')).toEqual({ tags: ['a, b', 'c'] });
    // The legacy form splits on commas only, as Locust does.
    expect(parsed('tags = [a b, c]')).toEqual({ tags: ['a b', 'c'] });
    expect(parsed('tags = []')).toEqual({ tags: [] });
    // Text without brackets is one value.
    expect(parsed('tags = a b')).toEqual({ tags: 'a b' });
  });

  it('writes underscores in keys as dashes', () => {
    expect(parsed('spawn_rate = 3\nrun_time = 1m')).toEqual({ 'spawn-rate': '3', 'run-time': '1m' });
  });

  it('skips blank lines, # and ; comments, [section] and --- lines, with CRLF line ends', () => {
    expect(parsed('# a comment\r\n; another\r\n---\r\n\r\n[locust]\r\n  users = 3  \r\n')).toEqual({ users: '3' });
  });

  it('lets a later line win over an earlier one', () => {
    expect(parsed('users = 1\nusers = 2')).toEqual({ users: '2' });
  });

  it('names the file and the line of a line it cannot read (exit code 2)', () => {
    let error: unknown;
    try {
      parseConfigText('users = 1\n\n= 5', 'conf/run.conf');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toBe("conf/run.conf:3: cannot parse '= 5' (expected key = value)");
  });
});

describe('parseTomlConfig', () => {
  // Locust's test_parse_options_from_toml_file
  it('reads [tool.locust], lists as lists and other values as text, and ignores other tables', () => {
    const text = `
      [tool.locust]
      locustfile = "./test_locustfile.py"
      web-host = "127.0.0.1"
      web-port = 45787
      headless = true
      tags = ["Critical", "Normal"]
      spawn-rate = 0.5
      [tool.something_else]
      this = "should be ignored"
    `;
    expect(Object.fromEntries([...parseTomlConfig(text, 'pyproject.toml')].map(([k, v]) => [k, v.value]))).toEqual({
      locustfile: './test_locustfile.py',
      'web-host': '127.0.0.1',
      'web-port': '45787',
      headless: 'true',
      tags: ['Critical', 'Normal'],
      'spawn-rate': '0.5',
    });
  });

  it('lets [tool.locusta] win over [tool.locust]', () => {
    const settings = parseTomlConfig('[tool.locust]\nusers = 1\nhost = "http://a.test"\n[tool.locusta]\nusers = 2\n', 'x.toml');
    expect(settings.get('users')?.value).toBe('2');
    expect(settings.get('host')?.value).toBe('http://a.test');
  });

  it('gives nothing for a TOML file without either table', () => {
    expect(parseTomlConfig('[project]\nname = "x"\n', 'pyproject.toml').size).toBe(0);
  });

  it('refuses a file that is not TOML, naming it, in one line', () => {
    expect(() => parseTomlConfig('[tool.locust\nusers = 1', 'conf/x.toml')).toThrow(/^conf\/x\.toml: not valid TOML: [^\n]+$/);
  });
});

/** The values of read settings, as a plain object. */
function values(settings: ReturnType<typeof readConfigFiles>): Record<string, unknown> {
  return Object.fromEntries([...settings].map(([k, v]) => [k, v.value]));
}

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
    expect(values(readConfigFiles(cwd, 'extra.conf'))).toEqual({
      users: '1',
      'spawn-rate': '2',
      'run-time': '3s',
      host: 'http://d.test',
      loglevel: 'CRITICAL',
    });
  });

  it('reads ./pyproject.toml after locust.conf, and --config (TOML or not) last', () => {
    const { cwd } = folders(
      {},
      {
        'locust.conf': 'users = 1\nspawn-rate = 1\nhost = http://a.test',
        'pyproject.toml': '[tool.locust]\nspawn-rate = 2\nhost = "http://b.test"\n',
        'run.toml': '[tool.locust]\nhost = "http://c.test"\n',
      },
    );
    expect(values(readConfigFiles(cwd))).toEqual({ users: '1', 'spawn-rate': '2', host: 'http://b.test' });
    expect(values(readConfigFiles(cwd, 'run.toml'))).toEqual({ users: '1', 'spawn-rate': '2', host: 'http://c.test' });
  });

  it('is empty when no file exists and no --config is given', () => {
    const { cwd } = folders({}, {});
    expect(readConfigFiles(cwd).size).toBe(0);
  });

  it('reads --config relative to the working folder, and names it in errors', () => {
    const { cwd } = folders({}, { 'bad.conf': 'users = 1\n=' });
    expect(() => readConfigFiles(cwd, 'bad.conf')).toThrow("bad.conf:2: cannot parse '=' (expected key = value)");
  });

  it('refuses a --config file that cannot be read, with its error code', () => {
    const { cwd } = folders({}, {});
    expect(() => readConfigFiles(cwd, 'missing.conf')).toThrow('Could not read config file missing.conf: ENOENT');
    expect(() => readConfigFiles(cwd, '.')).toThrow('Could not read config file .: EISDIR');
  });
});
