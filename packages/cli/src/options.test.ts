import { camelCase } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from './options.ts';
import { OPTIONS, defaultOf, typedOptions } from './options.ts';
import type { CustomOption } from './parse-args.ts';
import { buildParser } from './parse-args.ts';

function parse(argv: string[], custom: CustomOption[] = []): Record<string, unknown> {
  const { _: _positional, $0: _script, ...parsed } = buildParser(argv, custom, {}).parseSync() as Record<string, unknown>;
  return parsed;
}

describe('the typed options', () => {
  it('take every default from the table', () => {
    const options = typedOptions(parse([]));
    expect(options).toMatchObject({ webPort: 8089, loglevel: 'INFO', masterPort: 5557, masterBindPort: 5557, masterHost: '127.0.0.1', autoquit: -1, stopTimeout: '0' });
    expect(options.users).toBeUndefined();
    for (const o of OPTIONS) {
      if (o.default !== undefined) expect(options[camelCase(o.name) as keyof typeof options], o.name).toEqual(o.default);
    }
    expect(defaultOf('master-port')).toBe(5557);
  });

  it('hold what the command line gave, typed', () => {
    const options = typedOptions(parse(['-u', '3', '-P', '9000', '--csv-full-history', '--csv', 'x', '-T', '2024', 'a']));
    expect(options).toMatchObject({ users: 3, webPort: 9000, csvFullHistory: true, csv: 'x', tags: ['2024', 'a'] });
  });
});

describe('the option table', () => {
  it('does not compile with a misspelt option or a default of the wrong type', () => {
    const options = typedOptions(parse([]));
    // @ts-expect-error: there is no --web-prt
    expect(options.webPrt).toBeUndefined();
    // @ts-expect-error: a number option with a text default
    const row = { name: 'x', type: 'number', default: '8089', group: 'g', describe: 'd' } as const satisfies OptionSpec;
    expect(row.default).toBe('8089');
  });
});

describe('camelCase', () => {
  it("gives the key yargs gives each option of the table", () => {
    const keys = Object.keys(parse([]));
    for (const o of OPTIONS.filter((o) => o.default !== undefined)) expect(keys, o.name).toContain(camelCase(o.name));
  });

  it('gives the keys yargs gives custom options, and no other', () => {
    const own = new Set(Object.keys(parse([])));
    for (const [name, expected] of [
      ['max-tokens', ['max-tokens', 'maxTokens']],
      ['foo-bar_baz', ['foo-bar_baz', 'fooBarBaz', 'foo-bar-baz']],
      ['max_tokens', ['max_tokens']],
      ['maxTokens', ['maxTokens', 'max-tokens']],
    ] as const) {
      const custom: CustomOption[] = [{ name, options: { type: 'string' } }];
      const keys = Object.keys(parse([`--${name}`, 'v'], custom)).filter((k) => !own.has(k));
      expect(keys.sort(), name).toEqual([...expected].sort());
      expect(keys, name).toContain(camelCase(name));
    }
  });
});
