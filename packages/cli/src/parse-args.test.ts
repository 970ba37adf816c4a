import { describe, expect, it } from 'vitest';
import { OPTIONS } from './options.ts';
import { CliError } from './errors.ts';
import { CustomOptionCollector, buildParser, isTrueText, parseEarly, repeatedValues, settingsFromFilesAndEnv } from './parse-args.ts';

const NO_FILES = new Map<string, string | string[] | true>();

/** A value of the option's type, as the environment would give it, and what it parses to. */
function sample(type: string): [string, unknown] {
  if (type === 'number') return ['7', 7];
  if (type === 'boolean') return ['true', true];
  if (type === 'array') return ['a,b', ['a', 'b']];
  return ['x', 'x'];
}

describe('options from the environment', () => {
  it('reads every option from LOCUSTA_<NAME>', () => {
    for (const o of OPTIONS) {
      if (o.name === 'config') continue; // read with the config files, before any other option
      const variable = `LOCUSTA_${o.name.toUpperCase().replace(/-/g, '_')}`;
      const [text, value] = sample(o.type);
      expect(settingsFromFilesAndEnv(NO_FILES, { [variable]: text }, []), variable).toEqual({ [o.name]: value });
    }
  });

  it("reads Locust's own variables, and LOCUSTA_ wins over LOCUST_", () => {
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUST_USERS: '3' }, [])).toEqual({ users: 3 });
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUST_USERS: '3', LOCUSTA_USERS: '4' }, [])).toEqual({ users: 4 });
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUST_MASTER_NODE_PORT: '6000' }, [])).toEqual({ 'master-port': 6000 });
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUST_MODE_MASTER: 'true', LOCUSTA_MASTER: 'false' }, [])).toEqual({ master: false });
    // Locust's names with the LOCUSTA_ prefix keep working.
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUSTA_MODE_WORKER: '1' }, [])).toEqual({ worker: true });
  });

  it('reads options Locust does not have only from LOCUSTA_', () => {
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUST_MASTER_TOKEN: 's', LOCUST_HDR_LOG: 'h', LOCUST_SLO: 'p99<1' }, [])).toEqual({});
    expect(settingsFromFilesAndEnv(NO_FILES, { LOCUSTA_MASTER_TOKEN: 's', LOCUSTA_HDR_LOG: 'h', LOCUSTA_SLO: 'p99<1' }, [])).toEqual({
      'master-token': 's',
      'hdr-log': 'h',
      slo: ['p99<1'],
    });
  });

  it('names the variable in the error of a bad value', () => {
    expect(() => settingsFromFilesAndEnv(NO_FILES, { LOCUSTA_EXPECT_WORKERS: 'many' }, [])).toThrow(
      "Invalid value 'many' for LOCUSTA_EXPECT_WORKERS: expected a number",
    );
  });

  it('the environment wins over config files', () => {
    const files = new Map<string, string | string[] | true>([['users', '2']]);
    expect(settingsFromFilesAndEnv(files, { LOCUSTA_USERS: '5' }, [])).toEqual({ users: 5 });
  });

  it('refuses a bare config key for an option that takes a value', () => {
    for (const key of ['host', 'master-bind-host', 'tags', 'users', 'processes']) {
      const files = new Map<string, string | string[] | true>([[key, true]]);
      expect(() => settingsFromFilesAndEnv(files, {}, []), key).toThrow(`Missing value for ${key} (from a config file): write '${key} = VALUE'`);
    }
    // A bare key still switches a flag on.
    expect(settingsFromFilesAndEnv(new Map([['headless', true]]), {}, [])).toEqual({ headless: true });
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
