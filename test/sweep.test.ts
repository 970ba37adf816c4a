import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, finalSummary, readCsv, runLocusta, startLocusta } from './helpers.ts';

const SLOTS = 4;
const SERVICE_MS = 50;
/** What the server below can serve: 4 slots of 50 ms, 80 requests per second. */
const CAPACITY = SLOTS * (1000 / SERVICE_MS);

/**
 * A target with a fixed number of slots: a request takes 50 ms in a slot, and waits in line
 * (first come, first served) while every slot is busy, so its latency rises once the load passes
 * 80 requests per second. It notes when each request arrived, to count them per sweep point.
 */
async function slotServer() {
  const arrivals: number[] = [];
  const queue: ServerResponse[] = [];
  let busy = 0;
  const serve = (res: ServerResponse): void => {
    busy++;
    setTimeout(() => {
      busy--;
      res.end('ok');
      const next = queue.shift();
      if (next) serve(next);
    }, SERVICE_MS);
  };
  const server = await startServer((_req, res) => {
    arrivals.push(Date.now() / 1000);
    if (busy < SLOTS) serve(res);
    else queue.push(res);
  });
  return { ...server, arrivals };
}

describe('the rate sweep (--sweep)', () => {
  it.each([['local'], ['distributed']])('runs synchronous, throughput and rate points and finds the knee near the capacity (%s)', async (mode) => {
    const server = await slotServer();
    const dir = tempDir();
    const args = [
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '16', '--sweep', '3', '--sweep-time', '3s',
      '--csv', join(dir, 'run'), '--html', join(dir, 'report.html'), '--json-file', join(dir, 'out'), '--only-summary',
    ];
    // Locally a second is drain enough for 50–200 ms responses; a master waits at least 4 s for its
    // workers' reports. The distributed run also sends its rates as gamma arrivals over the wire.
    if (mode === 'local') args.push('--sweep-drain', '1s');
    else args.push('--processes', '2', '--master-bind-port', '0', '--burstiness', '4', '--seed', '5');
    const r = await startLocusta(args).done;
    expect(r.code, r.stderr).toBe(0);

    const csv = readCsv(join(dir, 'run_sweep.csv'));
    expect(csv[0]!.slice(0, 14)).toEqual(['Point', 'Kind', 'Offered Rate', 'Achieved Rate', 'Users', 'Start Time', 'End Time', 'Seconds', 'Requests', 'Failures', '50%', '90%', '99%', 'Failure Ratio']);
    const rows = csv.slice(1).map((row) => ({
      kind: row[1], offered: Number(row[2] || Number.NaN), achieved: Number(row[3]), users: Number(row[4]),
      start: Number(row[5]), end: Number(row[6]), requests: Number(row[8]), failures: Number(row[9]),
    }));
    expect(rows.map((p) => p.kind)).toEqual(['synchronous', 'throughput', 'rate', 'rate', 'rate']);
    expect(rows.map((p) => p.users)).toEqual([1, 16, 16, 16, 16]);
    // One user at a time gets about 1 / 50 ms; the throughput point about the capacity (plus
    // the requests in flight at its end, which its drain lets finish).
    expect(rows[0]!.achieved).toBeGreaterThan(0.5 * (1000 / SERVICE_MS));
    expect(rows[0]!.achieved).toBeLessThan(1.05 * (1000 / SERVICE_MS));
    expect(rows[1]!.achieved).toBeGreaterThan(0.6 * CAPACITY);
    expect(rows[1]!.achieved).toBeLessThan(1.4 * CAPACITY);
    // The rates climb evenly from the synchronous rate to the throughput rate.
    const step = (rows[1]!.achieved - rows[0]!.achieved) / 3;
    rows.slice(2).forEach((p, i) => expect(p.offered).toBeCloseTo(rows[0]!.achieved + step * (i + 1), 6));

    // Each point holds exactly the requests the server received inside its window (the points
    // are separated by drains with no traffic), and together they are every request.
    for (const p of rows) {
      expect(p.requests).toBeGreaterThan(0);
      expect(p.failures).toBe(0);
      expect(server.arrivals.filter((t) => t >= p.start && t <= p.end).length).toBe(p.requests);
    }
    const sum = rows.reduce((s, p) => s + p.requests, 0);
    expect(sum).toBe(server.total());
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());

    // The knee lies near the capacity: below it latency stays near 50 ms, at it the line forms.
    const knee = /Knee: (?:~([\d.]+) req\/s: above it p99 response time rises|not reached: every rate up to ([\d.]+) req\/s kept up)/.exec(r.stderr);
    expect(knee, r.stderr).not.toBeNull();
    const kneeRate = Number(knee![1] ?? knee![2]);
    expect(kneeRate).toBeGreaterThan(0.4 * CAPACITY);
    expect(kneeRate).toBeLessThan(1.1 * CAPACITY);
    expect(r.stderr).toMatch(/Point \| Kind +\| Offered\/s \| Achieved\/s/);

    const json = JSON.parse(readFileSync(join(dir, 'out_sweep.json'), 'utf8')) as { points: unknown[]; knee: { rate: number; line: string } };
    expect(json.points).toHaveLength(5);
    expect(json.knee.rate).toBeCloseTo(kneeRate, 1);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Rate sweep');
    expect(html).toContain('aria-label="Response time"');
    expect(html).toContain('aria-label="Achieved rate"');
  });

  it('adds the LLM figures of each point for streamed generations (examples/sweep against the mock server)', async () => {
    const server = await createMockServer({ port: 0, speed: 20, capacity: 64, seed: 5, jitter: 0, tokenBudget: 1500 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const r = await startLocusta([
      '-f', join(ROOT, 'examples/sweep/locustfile.ts'), '-H', server.url, '--headless', '-u', '8', '--sweep', '2', '--sweep-time', '2s',
      '--sweep-drain', '1s', '--goodput', 'e2e:60000', '--csv', join(dir, 'run'), '--html', join(dir, 'report.html'), '--only-summary',
    ]).done;
    expect(r.code, r.stderr).toBe(0);
    const csv = readCsv(join(dir, 'run_sweep.csv'));
    const col = (name: string) => csv[0]!.indexOf(name);
    for (const name of ['llm.requests', 'llm.ttft_p99', 'llm.itl_p99', 'llm.e2e_p50', 'llm.e2e_p99', 'llm.goodput_rps']) expect(col(name), name).toBeGreaterThan(0);
    const rows = csv.slice(1);
    expect(rows).toHaveLength(4);
    let generations = 0;
    for (const row of rows) {
      // One generation per request; every one met the generous goodput bound.
      expect(Number(row[col('llm.requests')])).toBe(Number(row[col('Requests')]));
      expect(Number(row[col('llm.goodput_rps')])).toBeCloseTo(Number(row[col('Requests')]) / 2, 1);
      expect(Number(row[col('llm.ttft_p99')])).toBeLessThanOrEqual(Number(row[col('llm.e2e_p99')]));
      generations += Number(row[col('llm.requests')]);
    }
    expect(generations).toBe(server.counters().requests);
    expect(r.stderr).toMatch(/Knee: (~[\d.]+ req\/s: above it p99 e2e rises|not reached)/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const chart of ['Time to first token', 'Inter-token latency', 'End-to-end latency', 'Achieved rate']) expect(html).toContain(`aria-label="${chart}"`);
  });

  it.each([
    [['--sweep', '3'], '--sweep needs -u of at least 2'],
    [['--sweep', '0', '-u', '4'], "argument --sweep: invalid value '0'"],
    [['--sweep', '3', '-u', '4', '--sweep-time', 'soon'], 'argument --sweep-time: '],
    [['--sweep', '3', '-u', '4', '--arrival-rate', '5'], '--sweep cannot be combined with --arrival-rate'],
    [['--arrival-rate', '5', '--burstiness', '0'], "argument --burstiness: invalid value '0': must be a number > 0"],
    [['--arrival-rate', '5', '--burstiness', 'lots'], "argument --burstiness: invalid float value: 'lots'"],
    [['--arrival-rate', '5', '--burstiness', '2', '--arrival-spacing', 'even'], 'argument --burstiness: cannot be combined with --arrival-spacing even'],
    [['--burstiness', '2'], 'argument --burstiness: needs --arrival-rate, --arrival-stages or --sweep'],
  ])('refuses %j with one line and the usage exit code', async (extra, message) => {
    const r = await runLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', 'http://127.0.0.1:9', '--headless', ...extra]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`locusta: error: ${message}`);
  });
});
