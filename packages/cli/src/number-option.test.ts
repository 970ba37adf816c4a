import { MAX_USERS } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { flagOf, parseNumberOption } from './number-option.ts';

/** An option as the table names it: long name and optional short flag. */
function option(name: string, alias?: string) {
  return alias === undefined ? { name } : { name, alias };
}

/** Reads `value` for the option; only this helper knows parseNumberOption's parameter types. */
function parse(spec: ReturnType<typeof option>, value: unknown): number {
  return parseNumberOption(spec, value as Parameters<typeof parseNumberOption>[1]);
}

/** The message of the usage error (exit code 2) `value` gives for the option. */
function usageError(spec: ReturnType<typeof option>, value: unknown): string {
  try {
    parse(spec, value);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as CliError).message;
  }
  throw new Error(`accepted ${flagOf(spec)} ${String(value)}`);
}

const USERS = option('users', 'u');
const SPAWN_RATE = option('spawn-rate', 'r');

describe('flagOf', () => {
  it('names the short and the long flag, or the long one alone', () => {
    expect(flagOf(USERS)).toBe('-u/--users');
    expect(flagOf(option('master-port'))).toBe('--master-port');
  });
});

describe('parseNumberOption: whole numbers', () => {
  it('reads text as argparse reads an int, spaces and a sign allowed', () => {
    expect(parse(USERS, '12')).toBe(12);
    expect(parse(USERS, ' +3 ')).toBe(3);
    expect(parse(option('autoquit'), '-1')).toBe(-1);
  });

  it.each(['1.5', '1e3', '0x10', 'ten', ''])('refuses %j as an int, echoing what was typed', (value) => {
    expect(usageError(USERS, value)).toBe(`argument -u/--users: invalid int value: '${value}'`);
  });

  it('takes numbers from config files and the environment as they are, but still whole', () => {
    expect(parse(USERS, 7)).toBe(7);
    expect(usageError(USERS, 2.5)).toBe("argument -u/--users: invalid int value: '2.5'");
  });
});

describe('parseNumberOption: floats', () => {
  it('reads a float option, and an option of a user file (not in the table) as a float', () => {
    expect(parse(SPAWN_RATE, '0.5')).toBe(0.5);
    expect(parse(SPAWN_RATE, '1e2')).toBe(100);
    expect(parse(option('my-custom-rate'), '2.25')).toBe(2.25);
  });

  it.each(['', '  ', 'fast', 'Infinity', 'NaN'])('refuses %j as a float', (value) => {
    expect(usageError(SPAWN_RATE, value)).toBe(`argument -r/--spawn-rate: invalid float value: '${value}'`);
  });
});

describe('parseNumberOption: ranges', () => {
  it.each([
    [USERS, '-1', `a whole number from 0 to ${MAX_USERS} (the most users a test may start)`],
    [USERS, String(MAX_USERS + 1), `a whole number from 0 to ${MAX_USERS} (the most users a test may start)`],
    [option('web-port', 'P'), '65536', 'a port number from 0 (any free port) to 65535'],
    [option('master-bind-port'), '-1', 'a port number from 0 (any free port) to 65535'],
    [option('master-port'), '0', 'a port number from 1 to 65535'],
    [option('expect-workers'), '0', '>= 1'],
    [option('expect-workers-max-wait'), '-5', '>= 0'],
    [option('autoquit'), '-2', '>= 0 seconds, or -1 for never'],
    [option('exit-code-on-error'), '256', 'from 0 to 255'],
    [option('arrival-rate'), '-0.5', '>= 0'],
    [option('step-users'), '0', '>= 1'],
  ])('%j refuses %s: must be %s', (spec, value, range) => {
    expect(usageError(spec, value)).toBe(`argument ${flagOf(spec)}: invalid value '${value}': must be ${range}`);
  });

  it('takes the ends of each range', () => {
    expect(parse(USERS, '0')).toBe(0);
    expect(parse(USERS, String(MAX_USERS))).toBe(MAX_USERS);
    expect(parse(option('web-port', 'P'), '0')).toBe(0);
    expect(parse(option('master-port'), '65535')).toBe(65535);
    expect(parse(option('exit-code-on-error'), '0')).toBe(0);
    expect(parse(option('arrival-rate'), '0')).toBe(0);
  });
});
