import { join } from 'node:path';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { finalSummary, FIXTURES, readCsv, startLocusta } from './helpers.ts';

function worker(port: number, extra: string[] = []) {
  return startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-host', '127.0.0.1', '--master-port', String(port), ...extra]);
}

describe('a master with workers on loopback', () => {
  it('dispatches users to 3 workers and its totals equal the server count', async () => {
    const server = await startServer((req, res) => setTimeout(() => res.end('x'), 20));
    const port = await freePort();
    const dir = tempDir();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '3', '--headless', '-u', '9', '-r', '9', '-t', '3s', '-s', '5', '--csv', join(dir, 'd'),
    ]);
    await master.waitFor('Master listening');
    const workers = [worker(port), worker(port), worker(port)];
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 9} (9 total users)');
    const total = Number(readCsv(join(dir, 'd_stats.csv')).find((row) => row[1] === 'Aggregated')![2]);
    expect(total).toBeGreaterThan(0);
    expect(total).toBe(server.total());
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(total);
    for (const w of workers) expect((await w.done).code).toBe(0);
  });

  it('refuses a worker with the wrong token, and closes connections that send garbage, while the run goes on', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--master-token', 's3cret', '--headless', '-u', '2', '-r', '2', '-t', '3s', '-s', '2',
    ]);
    await master.waitFor('Master listening');
    const intruder = await worker(port, ['--master-token', 'wrong']).done;
    expect(intruder.code).toBe(1);
    expect(intruder.stderr).toContain('wrong or missing --master-token');
    const good = worker(port, ['--master-token', 's3cret']);
    await master.waitFor('All users spawned');
    const { Packr } = await import('msgpackr');
    const pack = (msg: unknown) => new Packr({ useRecords: false }).pack(msg);
    const unknownType = pack({ type: 'take_over', data: {}, nodeId: 'x_1' });
    const oldProtocol = pack({ type: 'client_ready', data: { protocol: 99, version: '9.9.9', host: 'h', fileHash: '' }, nodeId: 'old_1' });
    for (const payload of [Buffer.from('garbage bytes'), Buffer.alloc(17 * 1024 * 1024), unknownType, oldProtocol]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer s3cret' } });
      await new Promise((resolve) => ws.on('open', resolve));
      ws.send(payload);
      await new Promise((resolve) => ws.on('close', resolve));
    }
    const r = await master.done;
    expect(r.stderr).toMatch(/Closing a worker connection \(127\.0\.0\.1:\d+\): undecodable message/);
    expect(r.stderr).toMatch(/Closing a worker connection \(127\.0\.0\.1:\d+\): Max payload size exceeded/);
    expect(r.stderr).toMatch(/Closing a worker connection \(127\.0\.0\.1:\d+\): unknown message type 'take_over'/);
    expect(r.stderr).toMatch(/Refusing worker old_1 \(127\.0\.0\.1:\d+\): protocol version 99/);
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect((await good.done).code).toBe(0);
  });

  it('moves the users of a killed worker to the others and names it in the summary', async () => {
    const server = await startServer((req, res) => setTimeout(() => res.end('x'), 10));
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '2', '--headless', '-u', '4', '-r', '4', '-t', '4s',
    ]);
    await master.waitFor('Master listening');
    const a = worker(port);
    const b = worker(port);
    await master.waitFor('All users spawned');
    a.child.kill('SIGKILL');
    const r = await master.done;
    expect(r.stderr).toMatch(/Worker \S+ is missing \(its connection closed\)/);
    expect(r.stderr).toMatch(/Lost worker \S+ at .*its connection closed/);
    // The rebalance gives the surviving worker all 4 users.
    expect(r.stderr.match(/All users spawned: \{"SlowUser": 4\} \(4 total users\)/g)!.length).toBeGreaterThanOrEqual(2);
    expect(r.code).toBe(0);
    expect((await b.done).code).toBe(0);
  });

  it('ends with exit code 1 when the last worker is gone', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '2', '-r', '2', '-t', '60s', '--csv', join(tempDir(), 'l'),
    ]);
    await master.waitFor('Master listening');
    const only = worker(port);
    await master.waitFor('All users spawned');
    only.child.kill('SIGKILL');
    const r = await master.done;
    expect(r.stderr).toContain('The last worker went missing, stopping test.');
    expect(r.code).toBe(1);
  });
});

describe('--processes', () => {
  it('forks workers and becomes their master', async () => {
    const server = await startServer();
    const dir = tempDir();
    const r = await startLocusta([
      '-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--processes', '2', '--master-bind-port', '0',
      '--headless', '-u', '4', '-r', '4', '-t', '2s', '-s', '2', '--csv', join(dir, 'p'),
    ]).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Started 2 worker processes');
    expect(r.stderr).toContain('2 workers connected');
    const total = Number(readCsv(join(dir, 'p_stats.csv')).find((row) => row[1] === 'Aggregated')![2]);
    expect(total).toBe(server.total());
  });

  it('with --worker, only forks workers for a master elsewhere', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '3', '--headless', '-u', '3', '-r', '3', '-t', '2s',
    ]);
    await master.waitFor('Master listening');
    const parent = worker(port, ['--processes', '3']);
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 3} (3 total users)');
    expect((await parent.done).code).toBe(0);
  });
});

describe('custom messages and master restarts', () => {
  it('carries custom messages from master to workers and back', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'messages.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '2', '--headless', '-u', '2', '-r', '2', '-t', '2s',
    ]);
    await master.waitFor('Master listening');
    const w = [1, 2].map(() => startLocusta(['-f', join(FIXTURES, 'messages.ts'), '--worker', '--master-port', String(port)]));
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr.match(/GOT pong \{"echo":\{"n":42\}\} from \S+_[0-9a-f]{32}/g)).toHaveLength(2);
    for (const x of w) expect((await x.done).code).toBe(0);
  });

  it('stops a worker\'s users when the master dies, and rejoins the master that comes back', async () => {
    const server = await startServer();
    const port = await freePort();
    const masterArgs = [
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '2', '-r', '2',
    ];
    const first = startLocusta([...masterArgs, '-t', '60s']);
    await first.waitFor('Master listening');
    const w = worker(port);
    await first.waitFor('All users spawned');
    first.child.kill('SIGKILL');
    await w.waitFor('Lost the connection to the master: stopping users');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterStop = server.total();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(server.total()).toBe(afterStop);
    const second = startLocusta([...masterArgs, '-t', '2s', '-s', '2']);
    const r = await second.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 2} (2 total users)');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total() - afterStop);
    expect((await w.done).code).toBe(0);
  });
});

describe('-f -', () => {
  it('gives a worker the master\'s user files, local imports bundled in', async () => {
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'folder/first.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '2',
    ]);
    await master.waitFor('Master listening');
    const w = startLocusta(['-f', '-', '--worker', '--master-port', String(port)], { cwd: tempDir() });
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Sent the user files to a worker started with -f -');
    expect(r.stderr).not.toContain('runs a different user file');
    expect([...server.counts.keys()]).toEqual(['GET /ping']);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect((await w.done).code).toBe(0);
  });

  it('is refused without --worker', async () => {
    const r = await startLocusta(['-f', '-', '--headless']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("locusta: error: '-f -' (user files from the master) needs --worker");
  });
});

describe('TLS between master and workers', () => {
  it('serves wss:// with --tls-cert/--tls-key; a worker trusts it with --master-tls-ca and refuses it without', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = tempDir();
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const server = await startServer();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '2',
    ]);
    await master.waitFor('Master listening');
    const untrusting = await worker(port, ['--master-tls']).done;
    expect(untrusting.code).toBe(1);
    expect(untrusting.stderr).toMatch(/TLS certificate is not trusted/);
    const trusting = worker(port, ['--master-tls-ca', join(dir, 'cert.pem')]);
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect((await trusting.done).code).toBe(0);
  });
});

describe('waiting for and losing the master', () => {
  it('gives up when too few workers connect within --expect-workers-max-wait', async () => {
    const port = await freePort();
    const r = await startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', 'http://127.0.0.1:1', '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '2', '--expect-workers-max-wait', '1', '--headless', '-u', '2', '-t', '30s',
    ]).done;
    expect(r.stderr).toContain('Waiting for workers to be ready, 0 of 2 connected');
    expect(r.stderr).toContain('Gave up waiting for workers to connect');
    expect(r.code).toBe(1);
  });

  it('ends a worker whose master never comes back, after the master timeout', async () => {
    const port = await freePort();
    const w = startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-port', String(port)], { env: { LOCUSTA_MASTER_TIMEOUT: '2' } });
    const r = await w.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No master for 2 s, quitting|Didn't get heartbeat from master in over 2s/);
  });
});
