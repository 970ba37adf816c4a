import { join } from 'node:path';
import { freePort, startServer } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { finalSummary, FIXTURES, startLocusta } from './helpers.ts';

// Who may join a master: where it listens, the token, and the user file a worker runs.

const NO_TOKEN_WARNING = /can be reached from other machines and has no --master-token/;

describe('where a master listens', () => {
  it('--processes binds its master to loopback only, without a warning', async () => {
    const server = await startServer();
    const r = await startLocusta(['-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--processes', '1', '--master-bind-port', '0', '--headless', '-u', '1', '-r', '1', '-t', '1s', '-s', '5']).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Master listening for workers on 127\.0\.0\.1:\d+/);
    expect(r.stderr).not.toMatch(NO_TOKEN_WARNING);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });

  it('--processes with --master-token: the forked workers get the token (through LOCUSTA_MASTER_TOKEN) and join', async () => {
    const server = await startServer();
    const r = await startLocusta(['-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--processes', '2', '--master-bind-port', '0', '--master-token', 's3cret', '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '5']).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 2} (2 total users)');
    expect(r.stderr).not.toContain('refused');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });

  it('a master on every interface without a token warns at start; with a token or on loopback it does not', async () => {
    const port = await freePort();
    const args = ['-f', join(FIXTURES, 'slow.ts'), '-H', 'http://127.0.0.1:1', '--master', '--headless', '--expect-workers-max-wait', '1', '--master-bind-port', String(port)];
    const open = await startLocusta(args).done;
    expect(open.stderr).toMatch(/WARNING.*The master on 0\.0\.0\.0:\d+ can be reached from other machines and has no --master-token: anyone who reaches it can join as a worker/);
    const withToken = await startLocusta([...args, '--master-token', 's']).done;
    expect(withToken.stderr).toContain('Master listening for workers on 0.0.0.0');
    expect(withToken.stderr).not.toMatch(NO_TOKEN_WARNING);
    const loopback = await startLocusta([...args, '--master-bind-host', '127.0.0.1']).done;
    expect(loopback.stderr).toContain('Master listening for workers on 127.0.0.1');
    expect(loopback.stderr).not.toMatch(NO_TOKEN_WARNING);
  });

  it('logs a refused token with the address of the peer', async () => {
    const port = await freePort();
    const master = startLocusta(['-f', join(FIXTURES, 'slow.ts'), '-H', 'http://127.0.0.1:1', '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--master-token', 'right', '--headless', '--expect-workers-max-wait', '4']);
    await master.waitFor('Master listening');
    const w = await startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-port', String(port), '--master-token', 'wrong']).done;
    expect(w.code).toBe(1);
    await master.waitFor(/Refused a worker connection from 127\.0\.0\.1:\d+: wrong or missing --master-token/);
  });
});

describe('a worker running another user file', () => {
  it('is refused with one line on both sides, and a master no compatible worker joined fails the run', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '1', '-r', '1', '-t', '1s', '--expect-workers-max-wait', '4',
    ]);
    await master.waitFor('Master listening');
    const w = await startLocusta(['-f', join(FIXTURES, 'simple.ts'), '--worker', '--master-port', String(port)]).done;
    expect(w.code).toBe(1);
    const workerErrors = w.stderr.trim().split('\n').filter((l) => /ERROR|error:/.test(l));
    expect(workerErrors).toHaveLength(1);
    expect(workerErrors[0]).toMatch(/The master refused this worker: it runs a different user file than the master .*--allow-mismatched-user-files/);
    const r = await master.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refusing worker \S+ \(127\.0\.0\.1:\d+\): it runs a different user file than the master/);
    expect(r.stderr).toMatch(/No compatible worker joined the run: 1 refused for running a different user file/);
    expect(server.total()).toBe(0);
  });

  it('--allow-mismatched-user-files lets it join with a warning', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '1', '-r', '1', '-t', '1s', '--allow-mismatched-user-files',
    ]);
    await master.waitFor('Master listening');
    const w = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '--worker', '--master-port', String(port)]);
    const r = await master.done;
    expect(r.stderr).toMatch(/Worker \S+ runs a different user file than the master/);
    expect(r.stderr).not.toContain('Refusing worker');
    expect(r.code).toBe(0);
    expect((await w.done).stderr).toMatch(/The master asked for User classes this worker's file does not have: SlowUser/);
  });
});
