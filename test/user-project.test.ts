import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { ROOT, readCsv } from './helpers.ts';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (npm, npx, tsc), with the output; never throws on a non-zero exit. */
function run(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

// The npm registry is reached only for third-party dependencies (undici, yargs, esbuild, ...);
// without it the test cannot install and says so rather than failing.
const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH)\b/;

/**
 * What a user does: `npm i -D locusta`, `npx locusta init`, then runs and type-checks the file,
 * here with the workspace packages packed by `npm pack` (the files a publish would send) and
 * installed into an empty project. The @locusta/* packages come from those tarballs (overrides),
 * the rest from the npm registry or npm's cache.
 */
describe('Locusta installed into a project of its own', () => {
  it('installs from the packed tarballs, writes a starter with init, runs it and type-checks it', async (ctx) => {
    const dir = tempDir('user-project');
    const tarballs = join(dir, 'tarballs');
    mkdirSync(tarballs);
    const packed = await run('npm', ['pack', '--workspaces', '--pack-destination', tarballs, '--silent'], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const files = readdirSync(tarballs);
    const tarball = (pkg: string) => join(tarballs, files.find((f) => f === `${pkg.replace('@', '').replace('/', '-')}-0.1.0.tgz`)!);
    const scoped = ['cli', 'core', 'http', 'llm', 'report', 'runner', 'stats', 'web'].map((p) => `@locusta/${p}`);
    const project = join(dir, 'my-load-test');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'my-load-test', private: true, type: 'module', overrides: Object.fromEntries(scoped.map((p) => [p, `file:${tarball(p)}`])) }, null, 2),
    );

    const install = await run('npm', ['install', '-D', tarball('locusta'), '@types/node@20', 'typescript@~5.9', '--prefer-offline', '--no-audit', '--no-fund'], project);
    if (install.code !== 0 && NETWORK.test(install.stderr)) ctx.skip(`the npm registry cannot be reached: ${NETWORK.exec(install.stderr)?.[0]}`);
    expect(install.code, install.stderr).toBe(0);
    // npm 11 skips dependencies' install scripts and lists the ones a project has not decided on:
    // only the three Locusta does not need (init records them below).
    const listed = [...install.stderr.matchAll(/install-scripts {3}(\S+)@/g)].map((m) => m[1]);
    expect(listed.every((name) => ['esbuild', 'msgpackr-extract', 'protobufjs'].includes(name)), install.stderr).toBe(true);

    const init = await run('npx', ['locusta', 'init'], project);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Wrote locustfile.ts, tsconfig.json, locust.conf');
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).allowScripts).toEqual({ esbuild: false, 'msgpackr-extract': false, protobufjs: false });
    // With that recorded, an install (as CI's `npm ci` is) lists nothing to act on.
    const again = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('install-scripts');

    // msgpackr's native string decoder loads from its prebuilt package without its install script.
    const extract = await run(process.execPath, ['-e', "process.stdout.write(typeof require('msgpackr-extract').extractStrings)"], join(project, 'node_modules/msgpackr'));
    expect(extract.stdout, extract.stderr).toBe('function');

    // The starter runs against a loopback server, with neither skipped install script.
    const server = await startServer();
    // -s lets a request in flight at the run time's end finish: the server has counted it.
    const r = await run('npx', ['locusta', '-f', 'locustfile.ts', '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '5', '-H', server.url, '--csv', 'out/run'], project);
    expect(r.code, r.stderr).toBe(0);
    const rows = readCsv(join(project, 'out/run_stats.csv'));
    const aggregated = rows.find((row) => row[1] === 'Aggregated')!;
    expect(Number(aggregated[2])).toBeGreaterThan(0);
    expect(Number(aggregated[2])).toBe(server.total());
    // Two users waiting 1 to 3 s make a few requests in 2 s: which of the two tasks ran is chance.
    for (const row of rows.slice(1, -1)) expect(['GET /', 'GET /health']).toContain(`${row[0]} ${row[1]}`);

    // The editor's view: the user file type-checks against the installed declarations; a typo does not.
    const tsc = await run('npx', ['tsc', '-p', 'tsconfig.json'], project);
    expect(tsc.code, tsc.stdout).toBe(0);
    writeFileSync(join(project, 'typo.ts'), "import { HttpUser, task } from 'locusta';\nexport class U extends HttpUser {\n  @task\n  async t() {\n    await this.client.gett('/');\n  }\n}\n");
    const typo = await run('npx', ['tsc', '-p', 'tsconfig.json'], project);
    expect(typo.code).not.toBe(0);
    expect(typo.stdout).toMatch(/typo\.ts\(5,23\): error TS2551: Property 'gett' does not exist/);
  }, 180_000);
});
