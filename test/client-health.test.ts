import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FIXTURES, readCsv, runLocusta, startLocusta } from './helpers.ts';

const CLIENT_HEADER = ['Timestamp', 'Process', 'Interval (s)', 'CPU %', 'Loop Lag p50 (ms)', 'Loop Lag p99 (ms)', 'Loop Lag Max (ms)', 'Client Limited'];
const BANNER = /Client was the bottleneck for (\d+) s of (\d+) s \(max CPU (\d+)% of a core, max event-loop lag (\d+) ms\)/;

interface ClientJson {
  clientLimited: boolean;
  limitedSeconds: number;
  seconds: number;
  maxCpuPercent: number;
  processes: number;
  intervals: Array<{ end: number; process: string; cpuPercent: number; loopLagP99Ms: number; clientLimited: boolean }>;
}

interface ChartSeries {
  label: string;
  values: Array<number | null>;
  marks?: boolean;
}

/** A chart of the report, from the data the page draws it from (the JSON embedded in the HTML). */
function reportChart(html: string, id: string): { x: number[]; series: ChartSeries[]; unit: string } {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const charts = (JSON.parse(json) as { charts: Array<{ id: string; x: number[]; series: ChartSeries[]; unit: string }> }).charts;
  const chart = charts.find((c) => c.id === id);
  expect(chart, `chart ${id} among ${charts.map((c) => c.id).join(', ')}`).toBeDefined();
  return chart!;
}

/**
 * The report's client-health charts have a point per recorded second (the JSON's intervals, in
 * time order), CPU and loop lag as recorded, and marks at exactly the client-limited seconds.
 */
function expectClientCharts(html: string, json: ClientJson): void {
  const intervals = [...json.intervals].sort((a, b) => a.end - b.end);
  expect(html).toContain('data-chart="extra-chart-client-cpu"');
  expect(html).toContain('data-chart="extra-chart-client-loop-lag"');
  const cpu = reportChart(html, 'extra-chart-client-cpu');
  const lag = reportChart(html, 'extra-chart-client-loop-lag');
  for (const chart of [cpu, lag]) {
    expect(chart.x).toEqual(intervals.map((i) => i.end));
    for (const s of chart.series) expect(s.values).toHaveLength(intervals.length);
  }
  expect(cpu.unit).toBe('%');
  expect(cpu.series.find((s) => s.label === 'CPU %')!.values).toEqual(intervals.map((i) => i.cpuPercent));
  expect(lag.series.find((s) => s.label === 'Lag p99')!.values).toEqual(intervals.map((i) => i.loopLagP99Ms));
  const cpuMarks = cpu.series.find((s) => s.label === 'Client limited')!;
  expect(cpuMarks.marks).toBe(true);
  expect(cpuMarks.values).toEqual(intervals.map((i) => (i.clientLimited ? i.cpuPercent : null)));
  expect(lag.series.find((s) => s.label === 'Client limited')!.values).toEqual(intervals.map((i) => (i.clientLimited ? i.loopLagP99Ms : null)));
}

describe('client health', () => {
  async function run(file: string, extra: string[] = []) {
    const server = await startServer((_req, res) => res.end('ok'));
    const dir = tempDir();
    const prefix = join(dir, 'run');
    const r = await runLocusta([
      '-f', join(FIXTURES, file), '-H', server.url, '--headless', '-u', '1', '-r', '10', '-t', '4s',
      '--csv', prefix, '--html', `${prefix}.html`, '--json-file', prefix, ...extra,
    ]);
    const json = JSON.parse(readFileSync(`${prefix}_client.json`, 'utf8')) as ClientJson;
    return { r, prefix, json, csv: readCsv(`${prefix}_client.csv`), html: readFileSync(`${prefix}.html`, 'utf8') };
  }

  it('flags a run whose user file saturates the CPU in every output', async () => {
    const { r, json, csv, html } = await run('cpu-burn.ts');
    expect(r.code, r.stderr).toBe(0);
    // Console: the summary line, with the seconds and the worst CPU and lag.
    const line = BANNER.exec(r.stderr);
    expect(line, r.stderr).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThanOrEqual(2);
    // The process's share of a busy machine may stay under 90% of a core; its loop lag cannot.
    expect(Number(line![3]) >= 90 || Number(line![4]) >= 50).toBe(true);
    expect(r.stderr).toContain('latencies in those intervals include client queueing');
    expect(r.stderr).toContain('The client is the bottleneck (local: CPU');
    // JSON: the flag and the intervals.
    expect(json.clientLimited).toBe(true);
    expect(json.limitedSeconds).toBeGreaterThanOrEqual(2);
    expect(json.intervals.some((i) => i.clientLimited && i.process === 'local')).toBe(true);
    // CSV: a row per second, the limited ones marked.
    expect(csv[0]).toEqual(CLIENT_HEADER);
    expect(csv.slice(1).length).toBeGreaterThanOrEqual(2);
    expect(csv.slice(1).some((row) => row[1] === 'local' && (Number(row[3]) >= 90 || Number(row[5]) >= 50) && row[7] === '1')).toBe(true);
    // HTML: the banner at the top and the section.
    expect(html).toMatch(/<div class="banner" role="alert">Client was the bottleneck for \d+ s/);
    expect(html.indexOf('class="banner"')).toBeLessThan(html.indexOf('<nav>'));
    expect(html).toContain('id="client-health"');
    // The charts over time: a point per recorded second, the limited ones marked.
    expect(csv.slice(1)).toHaveLength(json.intervals.length);
    expectClientCharts(html, json);
    expect(json.intervals.some((i) => i.clientLimited)).toBe(true);
  });

  it('does not flag a light run', async () => {
    const { r, json, csv, html } = await run('simple.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('Client was the bottleneck');
    expect(r.stderr).not.toContain('The client is the bottleneck');
    expect(json.clientLimited).toBe(false);
    expect(json.limitedSeconds).toBe(0);
    expect(json.seconds).toBeGreaterThanOrEqual(2);
    expect(csv[0]).toEqual(CLIENT_HEADER);
    expect(csv.slice(1).every((row) => row[7] === '0')).toBe(true);
    expect(html).not.toContain('class="banner"');
    expect(html).toContain('The client was not the bottleneck');
    expect(csv.slice(1)).toHaveLength(json.intervals.length);
    expectClientCharts(html, json);
  });

  it('marks the steps of a saturation search during which the client was limited', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const dir = tempDir();
    const r = await runLocusta([
      '-f', join(FIXTURES, 'cpu-burn.ts'), '-H', server.url, '--headless', '-r', '10', '-u', '2',
      '--step-users', '1', '--step-time', '3s', '--step-settle', '1', '--slo', 'p99<100000', '--html', join(dir, 'report.html'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    // Every step of this run burnt the CPU: each row of the console's steps table says so.
    const rows = r.stderr.split('\n').filter((line) => /^\s+\d+\s+\d+\s.*(PASS|FAIL)/.test(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/PASS \[client-limited\]$/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8').match(/<span class="client-limited">client-limited<\/span>/g)).toHaveLength(2);
  });

  it('marks the points of a rate sweep during which the client was limited', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const dir = tempDir();
    const r = await runLocusta([
      '-f', join(FIXTURES, 'cpu-burn.ts'), '-H', server.url, '--headless', '-u', '2',
      '--sweep', '1', '--sweep-time', '2s', '--sweep-drain', '1s', '--csv', join(dir, 'run'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...points] = readCsv(join(dir, 'run_sweep.csv'));
    expect(points).toHaveLength(3);
    // Every point of this run burnt the CPU.
    const column = header!.indexOf('Client Limited');
    for (const row of points) expect(row[column]).toBe('1');
    expect(r.stderr).toContain('The client was the bottleneck in points 1, 2, 3: their latencies include client queueing');
  });

  it('shows the client on /metrics and in a web UI table while the test runs', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const run = startLocusta(['-f', join(FIXTURES, 'cpu-burn.ts'), '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '1', '-r', '10', '-t', '30s']);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    await run.waitFor('The client is the bottleneck');
    let metrics = '';
    for (let i = 0; i < 100 && !/^locusta_client_limited 1$/m.test(metrics); i++) {
      await new Promise((r) => setTimeout(r, 200));
      metrics = await (await fetch(`${url}/metrics`)).text();
    }
    expect(metrics).toMatch(/^locusta_client_limited 1$/m);
    expect(metrics).toMatch(/^locusta_client_cpu_percent\{process="local"\} \d/m);
    expect(metrics).toMatch(/^locusta_client_limited_seconds_total [1-9]/m);
    const extra = (await (await fetch(`${url}/stats/extra`)).json()) as {
      tables: Array<{ id: string; columns: string[]; rows: unknown[][]; charts?: Array<{ id: string; x: number[]; series: ChartSeries[] }> }>;
    };
    const table = extra.tables.find((t) => t.id === 'client')!;
    expect(table.rows.map((r) => r[0])).toEqual(['local']);
    // The tab's charts come with the table: a point per second so far, in time order, the limited ones marked.
    expect(table.charts!.map((c) => c.id)).toEqual(['client-cpu', 'client-loop-lag']);
    const [cpu, lag] = table.charts!;
    expect(cpu!.x.length).toBeGreaterThanOrEqual(1);
    expect(cpu!.x).toEqual([...cpu!.x].sort((a, b) => a - b));
    expect(lag!.x).toEqual(cpu!.x);
    for (const s of [...cpu!.series, ...lag!.series]) expect(s.values).toHaveLength(cpu!.x.length);
    const cpuValues = cpu!.series.find((s) => s.label === 'CPU %')!.values as number[];
    const lagP99 = lag!.series.find((s) => s.label === 'Lag p99')!.values as number[];
    const marks = cpu!.series.find((s) => s.label === 'Client limited')!;
    expect(marks.marks).toBe(true);
    expect(marks.values).toEqual(cpuValues.map((v, i) => (v >= 90 || lagP99[i]! >= 50 ? v : null)));
    expect(marks.values.some((v) => v !== null)).toBe(true);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });

  it('merges the workers of --processes 2: each worker has its own rows, the flag holds', async () => {
    const { r, json, csv } = await run('cpu-burn.ts', ['-u', '2', '--processes', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(json.clientLimited).toBe(true);
    expect(json.processes).toBe(2);
    expect(new Set(csv.slice(1).map((row) => row[1])).size).toBe(2);
    expect(r.stderr).toMatch(BANNER);
  });
});

describe('client health from workers', () => {
  it("a worker report whose client intervals are malformed closes only that connection and is not merged", async () => {
    const port = await freePort();
    const dir = tempDir();
    const master = startLocusta([
      '-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', '--master', '--master-bind-host', '127.0.0.1',
      '--master-bind-port', String(port), '--headless', '-u', '1', '-r', '1', '-t', '20s', '--json-file', join(dir, 'run'),
    ]);
    await master.waitFor('Master listening');
    const packr = new Packr({ useRecords: false });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.send(packr.pack({ type: 'client_ready', data: { protocol: 2, version: '0.1.0', host: 'fake', fileHash: 'from-master' }, nodeId: 'fake_cpu' }));
    const empty = { entries: [], total: { name: 'Aggregated', method: '', numRequests: 0, numNoneRequests: 0, numFailures: 0, totalResponseTime: 0, minResponseTime: null, maxResponseTime: 0, totalContentLength: 0, startTime: 1, lastRequestTimestamp: null, numReqsPerSec: [], numFailPerSec: [], histogram: new Uint8Array() }, errors: [] };
    // A CPU below zero, beside a well-formed interval that must not be merged either.
    const client = [
      { end: 1_800_000_000, seconds: 1, process: 'fake_cpu', cpu: 100, lagP50: 1, lagP99: 1, lagMax: 1 },
      { end: 1_800_000_001, seconds: 1, process: 'fake_cpu', cpu: -5, lagP50: 1, lagP99: 1, lagMax: 1 },
    ];
    ws.send(packr.pack({ type: 'stats', nodeId: 'fake_cpu', data: { stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: { client } } }));
    await closed;
    const r = await master.done;
    expect(r.stderr).toMatch(/Closing the connection of worker fake_cpu \(127\.0\.0\.1:\d+\): malformed 'stats' message: custom\.client\[1\]\.cpu: not a number from 0 to 100000/);
    expect(r.stderr).not.toContain('Client was the bottleneck');
    expect(r.stderr).not.toContain('The client is the bottleneck');
  });
});
