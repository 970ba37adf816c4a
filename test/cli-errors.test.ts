import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runLocusta, tempDir } from './helpers.ts';

const simple = join(FIXTURES, 'simple.ts');

/** Every bad input: one line on stderr naming the problem, a non-zero exit, no stack trace. */
describe('bad input', () => {
  it.each([
    ['a missing user file', ['-f', 'nope.ts'], 1, /Could not find user file 'nope.ts'/],
    ['no user file at all', [], 1, /Could not find a user file/],
    ['a syntax error', ['-f', join(FIXTURES, 'syntax-error.ts')], 1, /syntax-error\.ts:5:\d+: error: Unexpected ";"/],
    ['an error while loading', ['-f', join(FIXTURES, 'throws-on-load.ts')], 1, /throws-on-load\.ts:4:\d+: TypeError: settings.load is not a function/],
    ['no User class', ['-f', join(FIXTURES, 'no-user.ts')], 1, /No User class found/],
    ['an unknown class name', ['-f', simple, 'Nobody'], 1, /Unknown User\(s\): Nobody/],
    ['an invalid run time', ['-f', simple, '-t', '1h30'], 2, /argument -t\/--run-time: Invalid time span format '1h30'/],
    ['an invalid stop timeout', ['-f', simple, '-s', 'soon'], 2, /argument -s\/--stop-timeout: Invalid time span format/],
    ['a negative user count', ['-f', simple, '-u', '-5'], 2, /argument -u\/--users: invalid value '-5'/],
    ['a zero spawn rate', ['-f', simple, '-r', '0'], 2, /argument -r\/--spawn-rate/],
    ['--csv-full-history without --csv', ['-f', simple, '--csv-full-history'], 2, /'--csv-full-history' requires '--csv'\./],
    ['an invalid host', ['-f', simple, '-H', 'not a url'], 2, /Invalid host 'not a url'/],
    ['a host with another scheme', ['-f', simple, '-H', 'ftp://x'], 2, /scheme must be http or https/],
    ['an HttpUser without host', ['-f', join(FIXTURES, 'no-host.ts'), '--headless'], 2, /HostlessUser: You must specify the base host/],
    ['an unknown option', ['-f', simple, '--userz', '3'], 2, /Unknown argument/i],
    ['a bad log level', ['-f', simple, '-L', 'LOUD'], 2, /--loglevel: invalid choice 'LOUD'/],
  ])('%s', async (_what, args, code, message) => {
    const r = await runLocusta(args, { cwd: tempDir() });
    expect(r.code).toBe(code);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
