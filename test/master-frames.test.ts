import { join } from 'node:path';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { finalSummary, FIXTURES, readCsv, ROOT, startLocusta } from './helpers.ts';

const packr = new Packr({ useRecords: false });

/** A raw worker connection: says client_ready as `nodeId`, then sends `frames`; resolves when the master closes it. */
async function fakeWorker(port: number, nodeId: string, frames: Uint8Array[]): Promise<{ closed: boolean }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.send(packr.pack({ type: 'client_ready', data: { protocol: 2, version: '0.1.0', host: 'fake', fileHash: 'from-master' }, nodeId }));
  for (const f of frames) ws.send(f);
  const timeout = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 2000));
  const how = await Promise.race([closed.then(() => 'closed' as const), timeout]);
  if (how === 'open') ws.terminate();
  return { closed: how === 'closed' };
}

describe('the master validates what workers send', () => {
  it('a stats entry with only a name and a method closes that connection and never reaches the statistics (--csv)', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.end('x'), 10));
    const port = await freePort();
    const dir = tempDir();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '2', '-r', '2', '-t', '3s', '-s', '5', '--csv', join(dir, 'run'),
    ]);
    await master.waitFor('Master listening');
    const honest = startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-port', String(port)]);
    await master.waitFor('All users spawned');
    const entry = { name: '/x', method: 'GET' };
    const bad = packr.pack({
      type: 'stats',
      nodeId: 'fake_1',
      data: { stats: { entries: [entry], total: { name: 'Aggregated', method: '' }, errors: [] }, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {} },
    });
    expect((await fakeWorker(port, 'fake_1', [bad])).closed).toBe(true);
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Closing the connection of worker fake_1 \(127\.0\.0\.1:\d+\): malformed 'stats' message: stats\.entries\[0\]\.numRequests: /);
    expect(r.stderr).not.toContain('NaN');
    expect(r.stderr).not.toMatch(/GET\s+\/x\b/);
    const rows = readCsv(join(dir, 'run_stats.csv'));
    expect(rows.some((row) => row[1] === '/x')).toBe(false);
    expect(Number(rows.find((row) => row[1] === 'Aggregated')![2])).toBe(server.total());
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect((await honest.done).code).toBe(0);
  });

  it('a report whose LLM statistics are broken is refused before any of it is merged', async () => {
    const port = await freePort();
    const master = startLocusta([
      '-f', join(ROOT, 'examples/llm-streaming/locustfile.ts'), '-H', 'http://127.0.0.1:1', '--master', '--master-bind-host', '127.0.0.1',
      '--master-bind-port', String(port), '--headless', '-u', '1', '-r', '1', '-t', '20s',
    ]);
    await master.waitFor('Master listening');
    const empty = { entries: [], total: { name: 'Aggregated', method: '', numRequests: 0, numNoneRequests: 0, numFailures: 0, totalResponseTime: 0, minResponseTime: null, maxResponseTime: 0, totalContentLength: 0, startTime: 1, lastRequestTimestamp: null, numReqsPerSec: [], numFailPerSec: [], histogram: new Uint8Array() }, errors: [] };
    const llm = { entries: [], total: { name: 'Aggregated', model: '', requests: Number.NaN } };
    const bad = packr.pack({ type: 'stats', nodeId: 'fake_llm', data: { stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: { llm } } });
    expect((await fakeWorker(port, 'fake_llm', [bad])).closed).toBe(true);
    const r = await master.done;
    expect(r.stderr).toMatch(/Closing the connection of worker fake_llm \(127\.0\.0\.1:\d+\): malformed 'stats' message: custom\.llm\.total\.requests: expected an integer >= 0/);
    expect(r.stderr).not.toContain('NaN');
  });

  it('a report whose excluded counts are broken is refused, and its counts are not added up', async () => {
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', '--master', '--master-bind-host', '127.0.0.1',
      '--master-bind-port', String(port), '--headless', '-u', '1', '-r', '1', '-t', '20s', '--warmup', '5s',
    ]);
    await master.waitFor('Master listening');
    const empty = { entries: [], total: { name: 'Aggregated', method: '', numRequests: 0, numNoneRequests: 0, numFailures: 0, totalResponseTime: 0, minResponseTime: null, maxResponseTime: 0, totalContentLength: 0, startTime: 1, lastRequestTimestamp: null, numReqsPerSec: [], numFailPerSec: [], histogram: new Uint8Array() }, errors: [] };
    const excluded = { warmup: -1000, cooldown: 0, reset: 0 };
    const bad = packr.pack({ type: 'stats', nodeId: 'fake_ex', data: { stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: { excluded } } });
    expect((await fakeWorker(port, 'fake_ex', [bad])).closed).toBe(true);
    const r = await master.done;
    expect(r.stderr).toMatch(/Closing the connection of worker fake_ex \(127\.0\.0\.1:\d+\): malformed 'stats' message: custom\.excluded\.warmup: expected an integer in \[0, /);
    expect(r.stderr).toContain('Excluded 0 requests started during warm-up, 0 during cool-down');
  });
});
