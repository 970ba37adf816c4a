import { join } from 'node:path';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { Packr } from 'msgpackr';
import {
  ExceptionStats,
  RequestStats,
  exceptionsCsv,
  failuresCsv,
  formatErrorReport,
  formatPercentilesTable,
  formatStatsJson,
  formatStatsTable,
  historyCsvRows,
  statsCsv,
} from '@locusta/stats';
import { ProtocolError, StatsWireDecoder, StatsWireEncoder, decodeWorkerMessage, encode } from '@locusta/runner';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { generator, mutate } from './frame-mutations.ts';
import { finalSummary, FIXTURES, readCsv, startLocusta } from './helpers.ts';

// Fuzzing the master: frames recorded from a real worker are mutated thousands of times (seeded,
// so a failure repeats) and sent by fake workers at a real master while honest workers run. The
// master must stay up, and what the honest workers did must be exactly what it reports.

const packr = new Packr({ useRecords: false });
const SEED = Number(process.env['LOCUSTA_FUZZ_SEED'] ?? 20261206);
/** Mutations decoded and merged in process: the master's own validation and merge code, fast. */
const IN_PROCESS_MUTATIONS = 3000;
/** Mutations sent over WebSockets to a real master; bounded by time too (a connection per refusal). */
const MUTATIONS = 3000;
const FUZZ_MS = 12_000;

/**
 * Frames a real worker sends: a stand-in master accepts it, gives it an arrival-rate share (so
 * its reports carry a schedule and corrected times) of a user file with failures and task
 * errors, then stops it and lets it quit.
 */
async function recordWorkerFrames(): Promise<Buffer[]> {
  const target = await startServer((req, res) => {
    res.statusCode = 404;
    res.end('no');
  });
  const port = await freePort();
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  const frames: Buffer[] = [];
  let statsFrames = 0;
  const gotStats = new Promise<WebSocket>((resolve) => {
    wss.on('connection', (ws) => {
      const send = (type: string, data: unknown) => ws.send(packr.pack({ type, data, nodeId: 'master' }));
      ws.on('message', (frame: Buffer) => {
        frames.push(Buffer.from(frame));
        const msg = packr.unpack(frame) as { type: string };
        if (msg.type === 'client_ready') {
          send('ack', { index: 0 });
          send('spawn', {
            timestamp: Date.now() / 1000,
            userClassesCount: {},
            host: target.url,
            stopTimeout: 1,
            parsedOptions: {},
            arrivals: { plan: { rate: 40, stages: [], spacing: 'even', seed: 1 }, index: 0, count: 1, maxUsers: 4, elapsed: 0 },
          });
        } else if (msg.type === 'heartbeat') send('heartbeat', null);
        else if (msg.type === 'stats' && ++statsFrames === 1) resolve(ws);
      });
    });
  });
  const worker = startLocusta(['-f', join(FIXTURES, 'failing.ts'), '--worker', '--master-port', String(port)]);
  const ws = await gotStats;
  ws.send(packr.pack({ type: 'stop', data: null, nodeId: 'master' }));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  ws.send(packr.pack({ type: 'quit', data: null, nodeId: 'master' }));
  expect((await worker.done).code).toBe(0);
  await new Promise((resolve) => wss.close(resolve));
  return frames;
}

/** A fake worker: client_ready, then each frame followed by a heartbeat; the master's answer says whether it took the frame. */
class FakeWorker {
  #ws: WebSocket | undefined;
  constructor(
    readonly port: number,
    readonly nodeId: string,
  ) {}

  async #open(): Promise<WebSocket> {
    if (this.#ws && this.#ws.readyState === WebSocket.OPEN) return this.#ws;
    const ws = new WebSocket(`ws://127.0.0.1:${this.port}/`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(packr.pack({ type: 'client_ready', data: { protocol: 2, version: '0.1.0', host: 'fuzz', fileHash: 'from-master' }, nodeId: this.nodeId }));
    this.#ws = ws;
    return ws;
  }

  /**
   * Sends a frame; resolves true if the master closed the connection for it. A master that
   * neither answers nor closes has forgotten this worker (a mutated frame can be a valid
   * `quit`): the fake then connects afresh.
   */
  async send(frame: Buffer): Promise<boolean> {
    const ws = await this.#open();
    const answer = new Promise<'refused' | 'taken' | 'silent'>((resolve) => {
      const timer = setTimeout(() => resolve(ws.readyState === WebSocket.OPEN ? 'silent' : 'refused'), 1000);
      const onMessage = (data: Buffer) => {
        const msg = packr.unpack(data) as { type: string };
        if (msg.type !== 'heartbeat') return;
        ws.off('message', onMessage);
        clearTimeout(timer);
        resolve('taken');
      };
      ws.on('message', onMessage);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve('refused');
      });
    });
    ws.send(frame);
    ws.send(packr.pack({ type: 'heartbeat', data: { state: 'running', cpu: 1, memory: 1 }, nodeId: this.nodeId }));
    const how = await answer;
    if (how === 'silent') ws.terminate();
    if (how !== 'taken') this.#ws = undefined;
    return how === 'refused';
  }

  close(): void {
    this.#ws?.terminate();
  }
}

describe('fuzzing the master with mutated worker frames', () => {
  // Recorded once, in the first test (the helpers tie their processes and servers to a test).
  let recorded: Buffer[] = [];
  let stats: Buffer[] = [];

  async function record(): Promise<void> {
    if (recorded.length > 0) return;
    // A worker's reports name strings it sent earlier on its connection by number. Each one is
    // made to stand alone (every string as text, as in a connection's first report), so any
    // mutated frame can be judged by a master connection of its own.
    const wire = new StatsWireDecoder();
    const isStats = (f: Buffer) => (packr.unpack(f) as { type: string }).type === 'stats';
    const standalone = (f: Buffer) => {
      const msg = decodeWorkerMessage(f, wire);
      if (msg.type !== 'stats') return f;
      return encode({ ...msg, data: { ...msg.data, stats: new StatsWireEncoder().encode(msg.data.stats) } });
    };
    recorded = (await recordWorkerFrames()).map((f) => (isStats(f) ? standalone(f) : f));
    stats = recorded.filter(isStats);
  }

  it('records real frames holding failures, a schedule, corrected times and task errors', async () => {
    await record();
    expect(stats.length).toBeGreaterThanOrEqual(2);
    const first = packr.unpack(stats[0]!) as { data: { stats: Record<string, unknown>; exceptions: { exceptions: unknown[] } } };
    expect(first.data.stats['schedule']).toBeDefined();
    expect(first.data.stats['corrected']).toBeDefined();
    expect((first.data.stats['errors'] as unknown[]).length).toBeGreaterThan(0);
    expect(first.data.exceptions.exceptions.length).toBeGreaterThan(0);
    for (const f of recorded) expect(() => decodeWorkerMessage(f, new StatsWireDecoder())).not.toThrow();
  });

  it(`the master's decoder refuses or merges cleanly ${IN_PROCESS_MUTATIONS} mutations (seed ${SEED})`, async () => {
    await record();
    const rand = generator(SEED + 1);
    const merged = new RequestStats();
    const exceptions = new ExceptionStats();
    let accepted = 0;
    let requests = 0;
    for (let i = 0; i < IN_PROCESS_MUTATIONS; i++) {
      const base = rand() < 0.8 ? stats[Math.floor(rand() * stats.length)]! : recorded[Math.floor(rand() * recorded.length)]!;
      const frame = mutate(base, rand, 'fuzz_1');
      let msg;
      try {
        msg = decodeWorkerMessage(frame, new StatsWireDecoder());
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(ProtocolError);
        continue;
      }
      accepted++;
      if (msg.type !== 'stats') continue;
      // What the master does with a report it accepted.
      merged.merge(msg.data.stats);
      exceptions.merge(msg.data.exceptions);
      requests += msg.data.stats.total.numRequests;
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(IN_PROCESS_MUTATIONS / 2);
    expect(merged.total.numRequests).toBe(requests);
    expect(merged.entries().reduce((s, e) => s + e.numRequests, 0)).toBe(requests);
    // The writers that crashed on a bad report (the CSV's pyFloat) or printed NaN (the table).
    expect(statsCsv(merged)).not.toMatch(/NaN|Infinity|undefined/);
    expect(formatStatsTable(merged)).not.toMatch(/NaN|Infinity|undefined/);
    expect(statsCsv(merged.corrected ?? new RequestStats())).not.toMatch(/NaN|Infinity|undefined/);
    expect(merged.schedule.summary()).not.toMatch(/NaN|Infinity/);
    // Every other writer the master runs at the end, which must not throw either.
    expect(formatPercentilesTable(merged)).not.toMatch(/NaN|Infinity|undefined/);
    expect(formatErrorReport(merged)).not.toMatch(/NaN|Infinity/);
    expect(failuresCsv(merged)).not.toMatch(/NaN|Infinity/);
    expect(exceptionsCsv(exceptions)).not.toMatch(/NaN|Infinity/);
    expect(historyCsvRows(merged, { userCount: 1, fullHistory: true })).not.toMatch(/NaN|Infinity|undefined/);
    expect(formatStatsJson(merged)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it(`a real master stays up and its totals are the honest workers' (${MUTATIONS} mutations or ${FUZZ_MS / 1000} s, seed ${SEED})`, async () => {
    await record();
    const server = await startServer((_req, res) => setTimeout(() => res.end('x'), 25));
    const port = await freePort();
    const dir = tempDir();
    const master = startLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '2', '--headless', '-u', '6', '-r', '100', '-t', `${FUZZ_MS / 1000 + 3}s`, '-s', '10', '--csv', join(dir, 'run'),
      // Recorded frames that survive a mutation still count failures; only a crash may fail the run.
      '--exit-code-on-error', '0',
    ]);
    await master.waitFor('Master listening');
    const honest = [0, 1].map(() => startLocusta(['-f', join(FIXTURES, 'slow.ts'), '--worker', '--master-port', String(port)]));
    await master.waitFor('All users spawned');

    const rand = generator(SEED);
    const fakes = [0, 1, 2, 3].map((i) => new FakeWorker(port, `fuzz_${i}`));
    const deadline = Date.now() + FUZZ_MS;
    let sent = 0;
    let refused = 0;
    await Promise.all(
      fakes.map(async (fake) => {
        while (sent < MUTATIONS && Date.now() < deadline) {
          sent++;
          // Mostly stats reports (the deep part), sometimes any other recorded message.
          const base = rand() < 0.8 ? stats[Math.floor(rand() * stats.length)]! : recorded[Math.floor(rand() * recorded.length)]!;
          if (await fake.send(mutate(base, rand, fake.nodeId))) refused++;
        }
        fake.close();
      }),
    );
    const r = await master.done;
    expect(r.code, r.stderr.split('\n').filter((l) => /ERROR|error:/.test(l)).join('\n') || r.stderr.slice(-3000)).toBe(0);
    expect(sent).toBeGreaterThan(100);
    // Most mutations break an invariant, and each refusal is logged with the worker and the reason.
    expect(refused).toBeGreaterThan(sent / 2);
    // (A mutated client_ready can be refused too: another protocol version or user file.)
    const logged = r.stderr.match(/(Closing (the connection of worker fuzz_\d|a worker connection)|Refusing worker \S+) \(127\.0\.0\.1:\d+\): /g) ?? [];
    expect(logged.length).toBeGreaterThanOrEqual(refused);
    expect(logged.length).toBeLessThanOrEqual(sent);
    // A refusal quotes what the frame carried (a mutated node id can be a recorded task error's
    // text, "TypeError: ..."): only the master's own lines can show a crash.
    const ownLines = r.stderr.split('\n').filter((l) => !/Closing (the connection of worker|a worker connection)|Refusing worker/.test(l));
    expect(ownLines.join('\n')).not.toMatch(/TypeError|RangeError|Handling '.*' from .* failed/);

    // The honest workers' requests (their user's /slow) are exactly what the target received.
    const rows = readCsv(join(dir, 'run_stats.csv'));
    const header = rows[0]!;
    const honestRows = rows.filter((row) => row[1] === '/slow');
    expect(honestRows).toHaveLength(2);
    const honestTotal = honestRows.reduce((s, row) => s + Number(row[2]), 0);
    expect(honestTotal).toBeGreaterThan(0);
    expect(honestTotal).toBe(server.total());
    // Every number in the CSV is a number, and Aggregated adds up the rows.
    for (const row of rows.slice(1)) {
      for (let i = 2; i < row.length; i++) if (row[i] !== 'N/A') expect(Number.isFinite(Number(row[i])), `${header[i]}=${row[i]}`).toBe(true);
    }
    const aggregated = rows.find((row) => row[1] === 'Aggregated')!;
    const named = rows.slice(1).filter((row) => row[1] !== 'Aggregated');
    expect(Number(aggregated[2])).toBe(named.reduce((s, row) => s + Number(row[2]), 0));
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(Number(aggregated[2]));
    // No NaN anywhere but in the refusal reasons ("got NaN").
    expect(r.stderr.split('\n').filter((l) => !l.includes('Closing ')).join('\n')).not.toMatch(/\bNaN\b/);
    for (const w of honest) expect((await w.done).code).toBe(0);
  });
});
