import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runLocusta, startLocusta } from './helpers.ts';

const simple = join(FIXTURES, 'simple.ts');
// A host nobody is asked for: each of these runs fails before its first request.
const headless = ['-H', 'http://127.0.0.1:9', '--headless', '-t', '1s'];

/** Every bad input: one line on stderr naming the problem, a non-zero exit, no stack trace. */
describe('bad input', () => {
  it.each([
    ['a missing user file', ['-f', 'nope.ts'], 1, /Could not find user file 'nope.ts'/],
    ['no user file at all', [], 1, /Could not find a user file/],
    ['a syntax error', ['-f', join(FIXTURES, 'syntax-error.ts')], 1, /syntax-error\.ts:5:\d+: error: Unexpected ";"/],
    ['an error while loading', ['-f', join(FIXTURES, 'throws-on-load.ts')], 1, /throws-on-load\.ts:4:\d+: TypeError: settings.load is not a function/],
    ['no User class', ['-f', join(FIXTURES, 'no-user.ts')], 1, /No User class found/],
    ['an unknown class name', ['-f', simple, 'Nobody'], 1, /Unknown User\(s\): Nobody/],
    ['an invalid run time', ['-f', simple, '-t', '1h30'], 2, /^locusta: error: argument -t\/--run-time: Invalid time span format\. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc\.$/m],
    ['an invalid stop timeout', ['-f', simple, '-s', 'soon'], 2, /^locusta: error: argument -s\/--stop-timeout: Invalid time span format\. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc\.$/m],
    ['a negative user count', ['-f', simple, '-u', '-5'], 2, /argument -u\/--users: invalid value '-5'/],
    ['a zero spawn rate', ['-f', simple, '-r', '0'], 2, /argument -r\/--spawn-rate/],
    ['--csv-full-history without --csv', ['-f', simple, '--csv-full-history'], 2, /'--csv-full-history' requires '--csv'\./],
    ['an invalid host', ['-f', simple, '-H', 'not a url'], 2, /Invalid host 'not a url'/],
    ['a host with another scheme', ['-f', simple, '-H', 'ftp://x'], 2, /scheme must be http or https/],
    ['an HttpUser without host', ['-f', join(FIXTURES, 'no-host.ts'), '--headless'], 2, /HostlessUser: You must specify the base host/],
    ['--web-login without --web-auth', ['-f', simple, '--web-login'], 2, /^locusta: error: --web-login needs --web-auth user:password: the credentials its login page checks$/m],
    ['an unknown option', ['-f', simple, '--userz', '3'], 2, /unrecognized arguments: --userz\. Did you mean '--users'\?/],
    ['a bad log level', ['-f', simple, '-L', 'LOUD'], 2, /--loglevel: invalid choice 'LOUD'/],
    ['a User class with no task', ['-f', join(FIXTURES, 'no-tasks.ts'), ...headless], 1, /^locusta: error: No tasks defined on U\. Use the @task decorator/],
    ['only tasks of weight 0', ['-f', join(FIXTURES, 'zero-weight-tasks.ts'), ...headless], 1, /No tasks defined on ZeroUser\./],
    ['a TaskSet with no task', ['-f', join(FIXTURES, 'empty-task-set.ts'), ...headless], 1, /No tasks defined on EmptySet\. .*'tasks' attribute of the TaskSet/],
    ['--tags that match no task', ['-f', join(FIXTURES, 'tags.ts'), ...headless, '-T', 'nothing'], 1, /No tasks defined on TaggedUser: it had no tasks left after filtering \(--tags nothing\)/],
    ['--exclude-tags that drop every task', ['-f', join(FIXTURES, 'tags.ts'), ...headless, '-E', 'read', 'write', '-T', 'read', 'write'], 1, /TaggedUser: it had no tasks left after filtering \(--tags read write, --exclude-tags read write\)/],
    ['a user count that is no number', ['-f', simple, '-u', 'abc'], 2, /^locusta: error: argument -u\/--users: invalid int value: 'abc'$/],
    ['a fractional user count', ['-f', simple, '-u', '1.5'], 2, /argument -u\/--users: invalid int value: '1\.5'$/],
    ['more users than any machine runs', ['-f', simple, '-u', '20000000'], 2, /argument -u\/--users: invalid value '20000000': must be a whole number from 0 to 10000000/],
    ['a spawn rate that is no number', ['-f', simple, '-r', 'fast'], 2, /argument -r\/--spawn-rate: invalid float value: 'fast'$/],
    ['an infinite spawn rate', ['-f', simple, '-r', 'Infinity'], 2, /argument -r\/--spawn-rate: invalid float value: 'Infinity'$/],
    ['a run time with a bad unit', ['-f', simple, '-t', '5x'], 2, /argument -t\/--run-time: Invalid time span format\. /],
    ['a web port out of range', ['-f', simple, '-P', '70000'], 2, /argument -P\/--web-port: invalid value '70000': must be a port number from 0 \(any free port\) to 65535/],
    ['a master port out of range', ['-f', simple, '--worker', '--master-port', '99999'], 2, /argument --master-port: invalid value '99999': must be a port number from 1 to 65535/],
    ['a master port out of range for -f -', ['-f', '-', '--worker', '--master-port', '99999'], 2, /argument --master-port: invalid value '99999'/],
    ['a master port that is no number', ['-f', simple, '--worker', '--master-port', 'x'], 2, /argument --master-port: invalid int value: 'x'$/],
    ['a bind port out of range', ['-f', simple, '--master', '--master-bind-port', '-1'], 2, /argument --master-bind-port: invalid value '-1'/],
    ['an expected worker count that is no number', ['-f', simple, '--master', '--expect-workers', 'two'], 2, /argument --expect-workers: invalid int value: 'two'$/],
    ['an exit code out of range', ['-f', simple, '--exit-code-on-error', '300'], 2, /argument --exit-code-on-error: invalid value '300': must be from 0 to 255/],
    ['a host without scheme', ['-f', simple, '-H', 'example.com'], 2, /Invalid host 'example.com'/],
    ['a custom numeric option that is no number', ['-f', join(FIXTURES, 'custom-option.ts'), '--headless', '-t', '1s', '--max-tokens', 'many'], 2, /^locusta: error: argument --max-tokens: invalid float value: 'many'$/],
    ['--tags with no tag', ['-f', simple, ...headless, '-T'], 1, /No tasks defined on SimpleUser: it had no tasks left after filtering \(--tags with no tag\)$/],
    ['--processes 0', ['-f', simple, '-H', 'http://127.0.0.1:9', '--processes', '0'], 2, /argument --processes: invalid value '0'/],
    ['a missing TLS certificate', ['-f', simple, '-H', 'http://127.0.0.1:9', '--tls-cert', '/nope.pem', '--tls-key', '/nope.key'], 2, /argument --tls-cert: cannot read '\/nope\.pem': ENOENT/],
  ])('%s', async (_what, args, code, message) => {
    const r = await runLocusta(args, { cwd: tempDir() });
    expect(r.code).toBe(code);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bare config-file key for an option that takes a value', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run.conf'), 'headless\nhost\n');
    const r = await runLocusta(['-f', simple, '--config', 'run.conf', '-t', '1s'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["locusta: error: Missing value for host (from run.conf): write 'host = VALUE'"]);
  });
});

describe('a run that can make no request', () => {
  it('-u 0 says so when it starts and when it ends', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', simple, '-H', server.url, '--headless', '-u', '0', '-t', '1s'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING\/locusta\.main: -u 0: no user will be started, so the test makes no request/);
    expect(r.stderr).toMatch(/WARNING\/locusta\.main: The test made no request and raised no error/);
    expect(server.total()).toBe(0);
  });
});

/** Output files are checked before the run: a place no file can be written is a usage error. */
describe('output paths', () => {
  const notADir = '/dev/null/x';
  it.each([
    ['--csv', notADir],
    ['--html', `${notADir}.html`],
    ['--json-file', notADir],
    ['--hdr-log', `${notADir}.hlog`],
    ['--logfile', `${notADir}.log`],
  ])('%s %s', async (flag, path) => {
    const r = await runLocusta(['-f', simple, ...headless, flag, path], { cwd: tempDir() });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`locusta: error: argument ${flag}: cannot write '${path}': /dev/null is not a directory`);
  });

  it('a directory given as the --html file', async () => {
    const dir = tempDir();
    const r = await runLocusta(['-f', simple, ...headless, '--html', dir], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`locusta: error: argument --html: cannot write '${dir}': it is a directory`);
  });

  it('a --csv prefix below a missing folder is fine: the folder is made', async () => {
    const dir = tempDir();
    const server = await startServer();
    const r = await runLocusta(['-f', simple, '-H', server.url, '--headless', '-u', '1', '-t', '1s', '--csv', join(dir, 'a/b/run')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'a/b/run_stats.csv'))).toBe(true);
  });

  it('a write that fails at the end: one line naming the file, exit code 4, the other outputs written', async () => {
    const dir = tempDir();
    const server = await startServer();
    const running = startLocusta(
      ['-f', simple, '-H', server.url, '--headless', '-u', '1', '-t', '2s', '--html', join(dir, 'gone/report.html'), '--json-file', join(dir, 'stats')],
      { cwd: dir },
    );
    await running.waitFor('Run time limit set');
    // The check passed and made the report's folder; now a file takes its place.
    rmSync(join(dir, 'gone'), { recursive: true, force: true });
    writeFileSync(join(dir, 'gone'), 'not a folder');
    const r = await running.done;
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`ERROR/locusta\\.main: Could not write ${join(dir, 'gone/report.html')}: (EEXIST|ENOTDIR)`));
    expect(r.stderr).toContain('Shutting down (exit code 4)');
    expect(r.stderr).not.toMatch(/exit code 0|Unhandled|\n\s+at /);
    expect(JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8'))).toBeInstanceOf(Array);
  });

  it('a log file that fails during the run: the lines go on to stderr, after one line saying so', async () => {
    const dir = tempDir();
    const server = await startServer();
    const log = join(dir, 'logs/run.log');
    const running = startLocusta(['-f', simple, '-H', server.url, '--headless', '-u', '1', '-t', '2s', '--logfile', log], { cwd: dir });
    while (!(existsSync(log) && readFileSync(log, 'utf8').includes('Run time limit set'))) await new Promise((r) => setTimeout(r, 50));
    rmSync(join(dir, 'logs'), { recursive: true, force: true });
    writeFileSync(join(dir, 'logs'), 'not a folder');
    const r = await running.done;
    expect(r.code).toBe(0);
    // A line logged between the two steps above finds no folder (ENOENT); later ones a file.
    expect(r.stderr).toMatch(new RegExp(`locusta: error: could not write the log file ${log}: (ENOTDIR|ENOENT).*logging to stderr from now on\\n`));
    expect(r.stderr).toContain('Shutting down (exit code 0)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
