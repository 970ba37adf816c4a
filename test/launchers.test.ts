import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, readCsv } from './helpers.ts';

/**
 * Starts a command in its own process group (killed whole when the test ends). `closed`
 * resolves when its stderr pipe ends, that is when every process holding it has exited.
 */
function startGroup(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already: nothing left to clean up.
    }
  });
  let stderr = '';
  child.stdout!.resume();
  const closed = new Promise<void>((resolve) => child.stderr!.on('end', resolve));
  const spawned = new Promise<void>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('All users spawned')) resolve();
    });
  });
  return { child, spawned, closed, stderr: () => stderr };
}

/**
 * `npx locusta` runs npm, which runs `sh -c locusta ...`, which runs node: npm passes SIGTERM to
 * the shell only, and the locusta process is left running without its parent.
 */
describe('a launcher that dies', () => {
  for (const launcher of [['npx', 'locusta'], ['npm', 'exec', '--', 'locusta']]) {
    it(`${launcher.join(' ')}: SIGTERM to the launcher stops the load and writes the outputs`, async () => {
      const server = await startServer();
      const dir = tempDir();
      const [cmd, ...pre] = launcher;
      // -s lets the request in flight at the stop finish: without it the user is killed with its
      // request unrecorded (as Locust's), which the server would still have counted.
      const run = startGroup(cmd!, [...pre, '-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '60s', '-s', '10', '--csv', join(dir, 'o')]);
      await run.spawned;
      await new Promise((resolve) => setTimeout(resolve, 500));
      run.child.kill('SIGTERM');
      // The pipe ends when every process holding it (the locusta process included) has exited.
      await run.closed;
      expect(run.stderr()).toContain('parent process');
      expect(run.stderr()).toContain('Shutting down');
      const count = server.total();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(server.total()).toBe(count);
      expect(existsSync(join(dir, 'o_stats.csv'))).toBe(true);
      const total = Number(readCsv(join(dir, 'o_stats.csv')).find((row) => row[1] === 'Aggregated')![2]);
      expect(total).toBe(count);
    }, 30_000);
  }
});

describe('a --processes master that dies', () => {
  it('its forked workers notice and stop their load at once', async () => {
    const server = await startServer();
    const run = startGroup(process.execPath, [join(ROOT, 'packages/locusta/bin/locusta.js'), '-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '60s', '--processes', '2', '--master-bind-port', '0']);
    await run.spawned;
    run.child.kill('SIGKILL');
    // The workers share the master's stderr. Without the check, they would try to reconnect for
    // 60 s before giving up.
    await run.closed;
    expect(run.stderr().split('The parent process').length - 1).toBe(2);
    const count = server.total();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.total()).toBe(count);
  }, 30_000);
});

describe('a command started in the background of a shell', () => {
  it('outlives the shell, as with nohup: only launchers that drop signals are watched', async () => {
    const server = await startServer();
    const dir = tempDir();
    const env = { ...process.env };
    delete env['npm_command'];
    delete env['LOCUSTA_FORKED_BY'];
    const bin = join(ROOT, 'packages/locusta/bin/locusta.js');
    const cmd = `"${process.execPath}" "${bin}" -f "${join(FIXTURES, 'simple.ts')}" -H ${server.url} --headless -u 1 -r 1 -t 4s --csv "${join(dir, 'o')}" 2>"${join(dir, 'log')}" & echo $!`;
    const shell = spawn('sh', ['-c', cmd], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let pid = '';
    shell.stdout!.on('data', (d: Buffer) => (pid += d.toString()));
    await new Promise((resolve) => shell.on('close', resolve));
    onTestFinished(() => {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // It has finished on its own.
      }
    });
    // The shell is gone at once; the run goes on to its run time and writes its outputs.
    const deadline = Date.now() + 20_000;
    while (!existsSync(join(dir, 'o_stats.csv')) || !readFileSync(join(dir, 'log'), 'utf8').includes('Shutting down')) {
      if (Date.now() > deadline) throw new Error(`no outputs: ${readFileSync(join(dir, 'log'), 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = readFileSync(join(dir, 'log'), 'utf8');
    expect(log).not.toContain('parent process');
    expect(log).toContain('--run-time limit reached');
  }, 30_000);
});
