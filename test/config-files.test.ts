import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, runLocusta } from './helpers.ts';

// A Locust user's config files, read by the real bin in a folder of their own (HOME too, so
// no ~/.locust.conf of the machine's takes part).

/** A working folder and a home folder holding the given files. */
function project(files: Record<string, string>, home: Record<string, string> = {}): { cwd: string; env: NodeJS.ProcessEnv } {
  const root = tempDir('conf');
  const cwd = join(root, 'work');
  const homeDir = join(root, 'home');
  for (const [dir, set] of [
    [cwd, files],
    [homeDir, home],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(set)) writeFileSync(join(dir, name), text);
  }
  return { cwd, env: { HOME: homeDir } };
}

const SIMPLE = join(FIXTURES, 'simple.ts');
const TAGS = join(FIXTURES, 'tags.ts');

describe('config files as Locust reads them', () => {
  it('a locust.conf with quotes, comments, key-space-value, --- and bare flags runs as written', async () => {
    const server = await startServer();
    const { cwd, env } = project({
      'locust.conf': [
        '---',
        `locustfile = "${TAGS}"`,
        `host = '${server.url}'   # the target`,
        'users 2',
        'spawn-rate: 2',
        'run-time = 2s ; two seconds',
        'stop-timeout = 5',
        'headless',
        'tags = ["read", "write"]',
        '[section headers are comments]',
      ].join('\n'),
    });
    const r = await runLocusta([], { cwd, env });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(2 total users)');
    const rows = finalSummary(r.stderr);
    // Tags from the JSON list: both tagged tasks ran, the untagged one did not.
    expect(rows.has('GET /read')).toBe(true);
    expect(rows.has('POST /write')).toBe(true);
    expect(rows.has('GET /untagged')).toBe(false);
    expect(rows.get('Aggregated')!.requests).toBe(server.total());
  });

  it('pyproject.toml [tool.locust] wins over locust.conf, [tool.locusta] over both, --config x.toml over all', async () => {
    const server = await startServer();
    const { cwd, env } = project({
      'locust.conf': `locustfile = ${SIMPLE}\nheadless\nusers = 1\nspawn-rate = 5\nrun-time = 1s\nhost = http://127.0.0.1:9/\nstop-timeout = 5\n`,
      'pyproject.toml': `[project]\nname = "x"\n\n[tool.locust]\nusers = 2\nhost = "${server.url}"\nheadless = true\n\n[tool.locusta]\nusers = 3\n`,
      'more.toml': '[tool.locust]\nrun-time = "2s"\n',
    });
    const r = await runLocusta(['--config', 'more.toml'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(3 total users)');
    expect(r.stderr).toMatch(/Run time limit set to 2 seconds/);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect(server.total()).toBeGreaterThan(0);
  });

  it('a key only Locust has is named in a warning and the run goes on', async () => {
    const server = await startServer();
    const { cwd, env } = project({ 'locust.conf': `headful\nlegacy-ui = true\nprofile = nightly\nhost = ${server.url}\n` });
    const r = await runLocusta(['-f', SIMPLE, '--headless', '-u', '1', '-t', '1s', '-s', '5', '--html', 'report.html'], { cwd, env });
    expect(r.code).toBe(0);
    // profile is an option here too: the report names the run.
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toContain('<dt>Profile</dt><dd>nightly</dd>');
    expect(r.stderr).toContain("locust.conf: 'headful' is a Locust option Locusta does not have; it is ignored");
    expect(r.stderr).toContain("locust.conf: 'legacy-ui' is a Locust option Locusta does not have; it is ignored");
    expect(server.total()).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown key', { 'locust.conf': 'userz = 3\n' }, [], "locusta: error: unrecognized arguments: --userz (from locust.conf). Did you mean '--users'?"],
    ['a list for a one-value option', { 'locust.conf': 'host = [a, b]\n' }, [], "locusta: error: host (from locust.conf) can't be set to a list"],
    ['a flag set to a word', { 'locust.conf': 'headless = maybe\n' }, [], "locusta: error: Unexpected value for headless (from locust.conf): 'maybe'. Expecting 'true', 'false', 'yes', 'no', 'on', 'off', '1' or '0'"],
    ['a TOML file that does not parse', { 'run.toml': '[tool.locust\n' }, ['--config', 'run.toml'], /^locusta: error: run\.toml: not valid TOML: .+$/],
    ['a missing --config file', {}, ['--config', 'nope.toml'], 'locusta: error: Could not read config file nope.toml: ENOENT'],
  ] as const)('%s: one line, exit 2, no request', async (_name, files, args, message) => {
    const server = await startServer();
    const { cwd, env } = project(files);
    const r = await runLocusta(['-f', SIMPLE, '-H', server.url, '--headless', '-t', '1s', ...args], { cwd, env });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(server.total()).toBe(0);
  });
});

describe('class names and flags as Locust takes them', () => {
  const TWO = join(FIXTURES, 'custom-option.ts');

  it('LOCUST_USER_CLASSES picks the classes to run, split on spaces', async () => {
    const r = await runLocusta(['-f', TWO, '--headless', '-u', '1', '-t', '1s', '-s', '5'], { env: { LOCUST_USER_CLASSES: 'OptionUser' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"OptionUser": 1}');
    const unknown = await runLocusta(['-f', TWO, '--headless', '-u', '1', '-t', '1s'], { env: { LOCUST_USER_CLASSES: 'OptionUser Nobody' } });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown User(s): Nobody');
  });

  it('--list lists every class, whatever class names are given', async () => {
    const r = await runLocusta(['-f', TWO, '--list', 'OtherUser']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Available Users:\n    OptionUser\n    OtherUser\n');
  });

  it('two files that each declare a class of one name are refused; a class one file imports from the other is one class', async () => {
    const server = await startServer();
    const user = (name: string) => `import { HttpUser, constant, task } from 'locusta';\nexport class ${name} extends HttpUser {\n  waitTime = constant(0.05);\n  @task async t() { await this.client.get('/x'); }\n}\n`;
    const { cwd, env } = project({ 'a.ts': user('TestUser1'), 'b.ts': user('TestUser1'), 'c.ts': "export { TestUser1 } from './a.ts';\n" });
    const dup = await runLocusta(['-f', 'a.ts,b.ts', '-H', server.url, '--headless', '-t', '1s'], { cwd, env });
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe(`locusta: error: Duplicate user class names: TestUser1 is defined in both ${join(cwd, 'a.ts')} and ${join(cwd, 'b.ts')}`);
    expect(server.total()).toBe(0);
    const same = await runLocusta(['-f', 'a.ts,c.ts', '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '1s', '-s', '5'], { cwd, env });
    expect(same.code).toBe(0);
    expect(same.stderr).toContain('All users spawned: {"TestUser1": 2} (2 total users)');
  });

  it('an unknown flag is named, with the nearest option', async () => {
    const r = await runLocusta(['-f', SIMPLE, '--unknown-flag-print-stats']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("locusta: error: unrecognized arguments: --unknown-flag-print-stats. Did you mean '--print-stats'?");
  });
});

describe("Locust's wording, for the scripts and people that read it", () => {
  it('warns with Locust\'s words when fixed_count exceeds -u, and logs "Spawning additional" at DEBUG', async () => {
    const server = await startServer();
    const { cwd, env } = project({
      'fixed.ts': "import { HttpUser, constant, task } from 'locusta';\nexport class UserSubclass extends HttpUser {\n  static override fixedCount = 3;\n  waitTime = constant(0.05);\n  @task async t() { await this.client.get('/x'); }\n}\n",
    });
    const r = await runLocusta(['-f', 'fixed.ts', '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '1s', '-s', '5', '--loglevel', 'DEBUG'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Total fixed_count of User classes (3) is greater than the specified number of users (1), so not all will be spawned.');
    expect(r.stderr).toContain('Spawning additional {"UserSubclass": 1} ({"UserSubclass": 0} already running)...');
  });
});
