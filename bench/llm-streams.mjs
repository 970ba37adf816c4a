#!/usr/bin/env node
// What one Locusta process costs per streamed token, and how true its LLM latencies stay as it
// nears its limit. For each concurrency C (streams at once) and process layout (one process,
// `--processes 2`): the ground-truth server (bench/llm-server.mjs, own process, pinned to core 1)
// streams 50 tokens/s to each of C closed-loop OpenAIUser users (bench/locustfiles/llm-stream.ts,
// every Locusta process pinned to core 0); the server logs when it writes each chunk.
//   CPU per token: utime+stime of the Locusta process tree (/proc) over a steady window (from
//   2 s after the first token to 1 s before the end), divided by the tokens the server wrote in it.
//   Errors: Locusta's NAME_llm.json TTFT p50/p99, ITL p99 and E2E p50 against the server's own
//   (request received to first chunk written, gaps between chunks written, to last chunk written);
//   E2E p50 minus the truth is the time-to-read lag (loopback adds well under a millisecond).
// Writes the "## LLM streams" section of bench/RESULTS.md (the rest of the file is kept).
//   node bench/llm-streams.mjs [--streams 10,100,500,1000,2000] [--processes 1,2] [--seconds 7] [--baseline] [--floor] [--no-pin] [--no-write]
// --baseline also runs the old reading (locustfiles/llm-stream-events.ts); --floor a bare undici Pool
// (clients/undici-streams.mjs) and bare net sockets with no HTTP parser (clients/net-streams.mjs), one
// process each: their CPU per token, beside Locusta's, on the same machine.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { start, stop, tasksetUsable, waitForLine } from './lib/proc.mjs';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '10,100,500,1000,2000' },
    processes: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '7' },
    'no-write': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    baseline: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
  },
});
const streamCounts = values.streams.split(',').map(Number);
const layouts = values.processes.split(',').map(Number);
const seconds = Number(values.seconds);
const pin = !values['no-pin'] && tasksetUsable();
const log = (m) => process.stderr.write(`llm-streams: ${m}\n`);

/** pid and every descendant's pid (from /proc/N/stat's ppid). */
function tree(root) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** CPU seconds (utime+stime) of each pid, by pid. */
function cpuOf(pids) {
  const out = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / CLK_TCK);
      out.set(`sys${pid}`, Number(f[12]) / CLK_TCK);
    } catch {
      // gone
    }
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const get = async (port, path) => (await fetch(`http://127.0.0.1:${port}${path}`, { method: path === '/reset' ? 'POST' : 'GET' })).json().catch(() => undefined);

/** client: 'locusta' (OpenAIUser), 'events' (the old reading, a user file), 'undici' (the floor, one process) or 'net' (bare sockets, no HTTP parser). */
async function point(port, streams, processes, client = 'locusta') {
  const baseline = client !== 'locusta';
  await get(port, '/reset');
  const dir = join(os.tmpdir(), `llm-streams-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const prefix = join(dir, `run-${streams}-${processes}`);
  const floorScript = { undici: 'undici-streams.mjs', net: 'net-streams.mjs' }[client];
  const args = floorScript ? [`${BENCH}clients/${floorScript}`, `http://127.0.0.1:${port}/v1`, String(streams), String(seconds + 2)] : [
    `${ROOT}packages/locusta/bin/locusta.js`, '-f', `${ROOT}bench/locustfiles/${client === 'events' ? 'llm-stream-events.ts' : 'llm-stream.ts'}`, '-H', `http://127.0.0.1:${port}/v1`,
    '--headless', '-u', String(streams), '-r', String(Math.max(streams, 1)), '-t', `${seconds + 2}s`, '--only-summary', '--json-file', prefix,
    '-L', 'WARNING', ...(processes > 1 ? ['--processes', String(processes)] : []),
  ];
  const child = start(process.execPath, args, { core: 0, pin, cwd: ROOT });
  // Wait for the first token, then take CPU from 2 s after it to 1 s before the end.
  let first;
  for (let i = 0; i < 200 && !first; i++) {
    await sleep(50);
    first = (await get(port, '/truth'))?.firstSent ?? undefined;
  }
  if (!first) throw new Error(`no token within 10 s at ${streams} streams:\n${child.stderrText.slice(-2000)}`);
  const from = first + 2000;
  const to = first + (seconds - 1) * 1000;
  await sleep(from - Date.now());
  const pids = tree(child.pid);
  const cpu0 = cpuOf(pids);
  await sleep(to - Date.now());
  const cpu1 = cpuOf(pids);
  if (cpu1.size < 2 * pids.length) throw new Error(`Locusta ended before the window did at ${streams} streams:\n${child.stderrText.slice(-2000)}`);
  let cpu = 0;
  let sys = 0;
  for (const [pid, s] of cpu1) {
    if (typeof pid === 'string') sys += s - (cpu0.get(pid) ?? s);
    else cpu += s - (cpu0.get(pid) ?? s);
  }
  const result = await child.done;
  const truth = await get(port, `/truth?from=${from}&to=${to}`);
  const tokens = truth.tokensInWindow;
  if (baseline) {
    rmSync(dir, { recursive: true, force: true });
    return { tokensPerSecond: tokens / ((to - from) / 1000), usPerToken: tokens > 0 ? (cpu * 1e6) / tokens : null, sysUsPerToken: tokens > 0 ? (sys * 1e6) / tokens : null };
  }
  let llm;
  let health;
  try {
    llm = JSON.parse(readFileSync(`${prefix}_llm.json`, 'utf8')).rows.find((r) => r.Name === 'Aggregated');
    health = JSON.parse(readFileSync(`${prefix}_client.json`, 'utf8'));
  } catch (err) {
    throw new Error(`no results at ${streams} streams (exit ${result.code}): ${err.message}\n${result.stderr.slice(-2000)}`, { cause: err });
  }
  rmSync(dir, { recursive: true, force: true });
  const err = (ours, real) => (ours === null || real === null ? null : (100 * (ours - real)) / real);
  return {
    streams, processes, exit: result.code, tokensPerSecond: tokens / ((to - from) / 1000), cpuCores: cpu / ((to - from) / 1000),
    usPerToken: tokens > 0 ? (cpu * 1e6) / tokens : null,
    sysUsPerToken: tokens > 0 ? (sys * 1e6) / tokens : null,
    ttft: { ours: [llm['TTFT p50 (ms)'], llm['TTFT p99 (ms)']], truth: [truth.ttft.p50, truth.ttft.p99] },
    itl: { ours: llm['ITL p99 (ms)'], truth: truth.itl.p99 },
    e2e: { ours: llm['E2E p50 (ms)'], truth: truth.e2e.p50 },
    ttftP50Error: err(llm['TTFT p50 (ms)'], truth.ttft.p50), ttftP99Error: err(llm['TTFT p99 (ms)'], truth.ttft.p99),
    itlP99Error: err(llm['ITL p99 (ms)'], truth.itl.p99), readLagMs: llm['E2E p50 (ms)'] - truth.e2e.p50,
    clientLimited: health.clientLimited, limitedSeconds: health.limitedSeconds, seconds: health.seconds, maxCpu: health.maxCpuPercent, maxLag: health.maxLoopLagMs,
  };
}

const loadBefore = os.loadavg()[0];
const server = start(process.execPath, [`${BENCH}llm-server.mjs`], { core: 1, pin, cwd: ROOT });
const port = Number((await waitForLine(server, 'stdout', /listening on (\d+)/))[1]);
const rows = [];
for (const processes of layouts) {
  for (const streams of streamCounts) {
    log(`${streams} streams, ${processes} process${processes > 1 ? 'es' : ''}`);
    // A point the client could not run (e.g. workers lost for want of CPU) is a row that says so.
    const attempt = (client) => point(port, streams, processes, client).catch((err) => ({ streams, processes, failed: err.message.split('\n')[0] }));
    const r = await attempt('locusta');
    // The old reading and bare undici, right after, on the same machine: CPU per token only.
    if (values.baseline) r.baseline = await attempt('events');
    if (values.floor && processes === 1) r.floor = await attempt('undici');
    if (values.floor && processes === 1) r.netFloor = await attempt('net');
    log(JSON.stringify(r));
    rows.push(r);
  }
}
await stop(server);

const cpuCell = (b) => (b?.failed ? 'failed' : b ? `${f(b.usPerToken)} (${f(b.sysUsPerToken)})` : '-');
const f = (n, d = 1) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
const pct = (n) => (n === null ? '-' : `${n >= 0 ? '+' : ''}${n.toFixed(1)} %`);
const command = ['node bench/llm-streams.mjs', ...process.argv.slice(2)].join(' ');
const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const load = Math.max(loadBefore, os.loadavg()[0]);
const gotCores = Math.max(0, ...rows.map((r) => r.cpuCores ?? 0));
const busy = load > os.availableParallelism() - 0.5;
const lines = [
  '## LLM streams',
  '',
  'Generated by `bench/llm-streams.mjs` (`npm run bench:llm`), which replaces only this section.',
  '',
  `- Date: ${new Date().toISOString()}; ${os.availableParallelism()} CPUs, ${cpuModel}; Node ${process.version}`,
  `- Command: \`${command}\`; ${seconds + 2} s per point (the steady window: ${seconds - 3} s); pinning: ${pin ? 'server on core 1, every Locusta process on core 0 (so `--processes 2` shares one core: it shows the cost of the layout, not a gain)' : 'none (taskset unusable)'}`,
  '- Server: bench/llm-server.mjs, 50 tokens per stream at 50 tokens/s, TTFT 50-250 ms; truth = its own write times.',
  '- CPU/token: Locusta process tree utime+stime over the steady window / tokens the server wrote in it. Errors: Locusta\'s reported value vs the truth; read lag = E2E p50 - truth E2E p50.',
  `- Machine load: 1-minute load average ${load.toFixed(1)} on ${os.availableParallelism()} CPUs; the Locusta processes got at most ${gotCores.toFixed(2)} of a core.${busy ? ' A BUSY machine: other processes took the cores, so the errors and the client-limited verdicts measure the machine as much as Locusta; re-run on an idle one before comparing with the targets (<= 10 µs per token; at 1,000 streams in one process TTFT p50 within 5 % and p99 within 10 %).' : ''}`,
  '',
  '| Processes | Streams | tokens/s | Locusta CPU (cores) | CPU µs/token (system) | old reading µs/token (system) | bare undici µs/token (system) | bare sockets µs/token (system) | TTFT p50 ours/truth (ms) | TTFT p50 err | TTFT p99 ours/truth (ms) | TTFT p99 err | ITL p99 ours/truth (ms) | ITL p99 err | read lag (ms) | client-limited (s of s; max CPU %, max lag ms) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    r.failed ? `| ${r.processes} | ${r.streams} | failed: ${r.failed} |||||||||||||| ` :
    `| ${r.processes} | ${r.streams} | ${f(r.tokensPerSecond, 0)} | ${f(r.cpuCores, 2)} | ${f(r.usPerToken)} (${f(r.sysUsPerToken)}) | ${cpuCell(r.baseline)} | ${cpuCell(r.floor)} | ${cpuCell(r.netFloor)} | ${f(r.ttft.ours[0])} / ${f(r.ttft.truth[0])} | ${pct(r.ttftP50Error)} | ${f(r.ttft.ours[1])} / ${f(r.ttft.truth[1])} | ${pct(r.ttftP99Error)} | ${f(r.itl.ours)} / ${f(r.itl.truth)} | ${pct(r.itlP99Error)} | ${f(r.readLagMs)} | ${r.clientLimited ? 'YES' : 'no'} ${r.limitedSeconds} of ${r.seconds}; ${f(r.maxCpu, 0)}, ${f(r.maxLag, 0)} |`,
  ),
];
const section = `${lines.join('\n')}\n`;
if (values['no-write']) {
  process.stdout.write(section);
} else {
  const file = `${BENCH}RESULTS.md`;
  const old = readFileSync(file, 'utf8');
  const at = old.search(/^## LLM streams\s*$/m);
  let md;
  if (at < 0) md = `${old.replace(/\s*$/, '')}\n\n${section}`;
  else {
    const rest = old.slice(at + 1);
    const next = rest.search(/^## /m);
    md = `${old.slice(0, at)}${section}${next < 0 ? '' : `\n${rest.slice(next)}`}`;
  }
  writeFileSync(file, md);
  mkdirSync(`${BENCH}out`, { recursive: true });
  writeFileSync(`${BENCH}out/llm-streams.json`, `${JSON.stringify({ date: new Date().toISOString(), command, rows }, null, 2)}\n`);
  log('wrote the "## LLM streams" section of bench/RESULTS.md');
  process.stdout.write(section);
}
