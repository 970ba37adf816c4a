import { describe, expect, it } from 'vitest';
import { OPTIONS } from './options.ts';
import { settingsFromFilesAndEnv } from './parse-args.ts';

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
    for (const key of ['host', 'master-bind-host', 'tags']) {
      const files = new Map<string, string | string[] | true>([[key, true]]);
      expect(() => settingsFromFilesAndEnv(files, {}, []), key).toThrow(`Missing value for ${key} (from a config file): write '${key} = VALUE'`);
    }
    // A bare key still switches a flag on.
    expect(settingsFromFilesAndEnv(new Map([['headless', true]]), {}, [])).toEqual({ headless: true });
  });
});
