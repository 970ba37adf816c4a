import { describe, expect, it } from 'vitest';
import { OPTIONS } from './options.ts';
import { CliError } from './errors.ts';
import type { RawSettings } from './config-file.ts';
import { parseConfigText } from './config-file.ts';
import type { CustomOption } from './parse-args.ts';
import { CustomOptionCollector, buildParser, isTrueText, parseEarly, repeatedValues, settingsFromFilesAndEnv } from './parse-args.ts';

const NO_FILES: RawSettings = new Map();

/** The typed settings of config text and environment variables. */
function settings(env: NodeJS.ProcessEnv, conf = '', custom: CustomOption[] = []): Record<string, unknown> {
  return settingsFromFilesAndEnv(conf ? parseConfigText(conf, 'locust.conf') : NO_FILES, env, custom).settings;
}

/** A value of the option's type, as the environment would give it, and what it parses to. */
function sample(type: string): [string, unknown] {
  if (type === 'number') return ['7', 7];
  if (type === 'boolean') return ['true', true];
  if (type === 'array') return ['[a, b]', ['a', 'b']];
  return ['x', 'x'];
}

describe('options from the environment', () => {
  it('reads every option from LOCUSTA_<NAME>', () => {
    for (const o of OPTIONS) {
      if (o.name === 'config') continue; // read with the config files, before any other option
      const variable = `LOCUSTA_${o.name.toUpperCase().replace(/-/g, '_')}`;
      const [text, value] = sample(o.type);
      expect(settings({ [variable]: text }), variable).toEqual({ [o.name]: value });
    }
  });

  it("reads Locust's own variables, and LOCUSTA_ wins over LOCUST_", () => {
    expect(settings({ LOCUST_USERS: '3' })).toEqual({ users: 3 });
    expect(settings({ LOCUST_USERS: '3', LOCUSTA_USERS: '4' })).toEqual({ users: 4 });
    expect(settings({ LOCUST_MASTER_NODE_PORT: '6000' })).toEqual({ 'master-port': 6000 });
    expect(settings({ LOCUST_MODE_MASTER: 'true', LOCUSTA_MASTER: 'false' })).toEqual({ master: false });
    // Locust's names with the LOCUSTA_ prefix keep working.
    expect(settings({ LOCUSTA_MODE_WORKER: '1' })).toEqual({ worker: true });
  });

  it('reads options Locust does not have only from LOCUSTA_', () => {
    expect(settings({ LOCUST_MASTER_TOKEN: 's', LOCUST_HDR_LOG: 'h', LOCUST_SLO: 'p99<1' })).toEqual({});
    expect(settings({ LOCUSTA_MASTER_TOKEN: 's', LOCUSTA_HDR_LOG: 'h', LOCUSTA_SLO: 'p99<1' })).toEqual({
      'master-token': 's',
      'hdr-log': 'h',
      slo: ['p99<1'],
    });
  });

  it('names the variable in the error of a bad value', () => {
    expect(() => settings({ LOCUSTA_EXPECT_WORKERS: 'many' })).toThrow(
      "Invalid value 'many' for LOCUSTA_EXPECT_WORKERS: expected a number",
    );
  });

  it('the environment wins over config files', () => {
    expect(settings({ LOCUSTA_USERS: '5' }, 'users = 2')).toEqual({ users: 5 });
  });

  it('refuses a bare config key for an option that takes a value', () => {
    for (const key of ['host', 'master-bind-host', 'tags', 'users', 'processes']) {
      expect(() => settings({}, key), key).toThrow(`Missing value for ${key} (from locust.conf): write '${key} = VALUE'`);
    }
    // A bare key still switches a flag on.
    expect(settings({}, 'headless')).toEqual({ headless: true });
  });
});

describe('config keys and lists as Locust reads them', () => {
  it('keeps LOCUST_TAGS="a b" as one tag, and reads [a, b] as two', () => {
    expect(settings({ LOCUST_TAGS: 'a b' })).toEqual({ tags: ['a b'] });
    expect(settings({ LOCUST_EXCLUDE_TAGS: '[a, b]' })).toEqual({ 'exclude-tags': ['a', 'b'] });
    expect(settings({ LOCUST_TAGS: '["x y", "z"]' })).toEqual({ tags: ['x y', 'z'] });
  });

  it("splits Locusta's own lists on spaces and commas", () => {
    expect(settings({ LOCUSTA_GOODPUT: 'ttft:500 e2e:9000' })).toEqual({ goodput: ['ttft:500', 'e2e:9000'] });
  });

  it('leaves out a key only Locust has, with a warning naming it and the file', () => {
    const result = settingsFromFilesAndEnv(parseConfigText('users = 2\nheadful\nlegacy-ui = true', 'locust.conf'), {}, []);
    expect(result.settings).toEqual({ users: 2 });
    expect(result.warnings).toEqual([
      "locust.conf: 'headful' is a Locust option Locusta does not have; it is ignored",
      "locust.conf: 'legacy-ui' is a Locust option Locusta does not have; it is ignored",
    ]);
  });

  it('refuses an unknown key, naming the file and the nearest option', () => {
    expect(() => settings({}, 'userz = 3')).toThrow("unrecognized arguments: --userz (from locust.conf). Did you mean '--users'?");
    expect(() => settings({}, 'zzzzzzzz = 3')).toThrow(/^unrecognized arguments: --zzzzzzzz \(from locust.conf\)$/);
  });

  it('refuses a list for an option that takes one value, and a flag value that is not a boolean', () => {
    expect(() => settings({}, 'host = [a, b]')).toThrow("host (from locust.conf) can't be set to a list");
    expect(() => settings({}, 'headless = maybe')).toThrow("Unexpected value for headless (from locust.conf): 'maybe'");
    expect(() => settings({}, 'headless =')).toThrow("Unexpected value for headless (from locust.conf): ''");
    expect(settings({}, 'headless = off\nreset-stats = yes')).toEqual({ headless: false, 'reset-stats': true });
  });
});

describe('unknown flags on the command line', () => {
  function parseError(argv: string[]): string {
    try {
      buildParser(argv, [], {}).parseSync();
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  }

  it("names the first unknown flag and suggests the nearest option, as Locust's parser does", () => {
    expect(parseError(['--unknown-flag-print-stats'])).toBe("unrecognized arguments: --unknown-flag-print-stats. Did you mean '--print-stats'?");
    expect(parseError(['-u', '2', '--spawn-rat=3'])).toBe("unrecognized arguments: --spawn-rat. Did you mean '--spawn-rate'?");
    expect(parseError(['--qqqqqqqqqq'])).toBe('unrecognized arguments: --qqqqqqqqqq');
  });
});

describe('repeatedValues', () => {
  it('collects every value of a repeated option, in order, in both spellings', () => {
    expect(repeatedValues(['--slo', 'p99<1000', '-u', '5', '--slo=fail_ratio<0.01', '--slo', 'rps>1'], 'slo')).toEqual(['p99<1000', 'fail_ratio<0.01', 'rps>1']);
  });

  it('keeps an empty value given with =', () => {
    expect(repeatedValues(['--slo='], 'slo')).toEqual(['']);
  });

  it('ignores options that only start with the name, a flag with no value, and anything after --', () => {
    expect(repeatedValues(['--slo-grace', '5s', '--slo-abort', '--slo', 'p50<9', '--', '--slo', 'p99<1'], 'slo')).toEqual(['p50<9']);
    expect(repeatedValues(['-u', '3', '--slo'], 'slo')).toEqual([]);
  });

  it('is empty when the option is not given', () => {
    expect(repeatedValues(['-u', '3', '--headless'], 'slo')).toEqual([]);
  });

  // --slo is an array option, so the parser takes every word after it as an SLO: a User class
  // named after `--slo EXPR` is read as a second SLO, which the CLI then drops (it keeps the
  // values repeatedValues finds), and the run starts every class instead of the one named.
  it('leaves a User class named after --slo EXPR as a class name', () => {
    const argv = ['--slo', 'p99<1000', 'ApiUser'];
    const args = buildParser(argv, [], {}).parseSync();
    expect(args._).toEqual(['ApiUser']);
  });
});

describe('parseEarly', () => {
  it('reads only what finding and loading the user files needs, and leaves the rest', () => {
    expect(parseEarly(['-f', 'a.ts', '-u', '5', '--config', 'x.conf', '--unknown', 'ApiUser'])).toMatchObject({ locustfile: 'a.ts', config: 'x.conf', help: false, version: false });
    expect(parseEarly(['-h', '-V'])).toMatchObject({ help: true, version: true, locustfile: undefined });
  });

  it("keeps a worker's master address as text, for the full parse to check", () => {
    expect(parseEarly(['-f', '-', '--worker', '--master-host', '10.0.0.1', '--master-port', 'abc', '--master-tls-ca', 'ca.pem'])).toMatchObject({
      locustfile: '-',
      masterHost: '10.0.0.1',
      masterPort: 'abc',
      masterTls: false,
      masterTlsCa: 'ca.pem',
    });
  });
});

describe('isTrueText', () => {
  it('reads true, yes, on and 1 in any case as on, anything else as off', () => {
    expect(['true', 'YES', 'On', '1'].map(isTrueText)).toEqual([true, true, true, true]);
    expect(['false', 'no', '0', '', 'enabled', ' true'].map(isTrueText)).toEqual([false, false, false, false, false, false]);
  });
});

describe('CustomOptionCollector', () => {
  it("maps Locust's add_argument types to yargs types, help to describe", () => {
    const c = new CustomOptionCollector();
    c.addArgument('--model', { type: 'str', default: 'x', help: 'Model' })
      .addArgument('--max-tokens', { type: Number })
      .addArgument('--stream', { action: 'store_true' })
      .option('plain', { type: 'string' });
    expect(c.options.map((o) => [o.name, o.options.type, o.options.describe])).toEqual([
      ['model', 'string', 'Model'],
      ['max-tokens', 'number', undefined],
      ['stream', 'boolean', undefined],
      ['plain', 'string', undefined],
    ]);
    expect(c.options.every((o) => o.options.group === 'Custom options')).toBe(true);
  });

  it('refuses an option defined twice, or one Locust already has (exit code 2)', () => {
    const c = new CustomOptionCollector();
    c.option('model', {});
    for (const name of ['--model', 'users']) {
      let error: unknown;
      try {
        c.option(name, {});
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toBe(`The option --${name.replace(/^-+/, '')} is defined twice`);
    }
  });
});
