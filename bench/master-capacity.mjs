#!/usr/bin/env node
// The master's capacity: how many workers one Locusta master keeps up with on one core.
//   node bench/master-capacity.mjs [--workers 100,250,500,1000,1500,2000,3000] [--duration 20] [--warmup 5]
// For each worker count W: a real master (the CLI, `--master --headless`, bench/locustfiles/tight.ts)
// pinned to core 0, and W simulated workers in one process pinned to core 1
// (bench/clients/sim-workers.mjs: the real wire protocol, a heartbeat per worker per second and a
// 50-entry stats report per worker every 3 s, all spread evenly). After all workers joined and the
// users were spawned, a warm-up, then a measured window: the master's CPU (utime+stime from
// /proc/PID/stat), the reports it merged per second, the size of one stats frame. At the end the
// master's --json-file totals are checked against what the workers sent. Writes the "## Master
// capacity" section of bench/RESULTS.md (the rest of the file is kept) and
// bench/out/master-capacity.json; when 1,000 workers need half a core or more (or with
// --profile) it profiles the master at --profile-workers with node --cpu-prof.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuRate, memoryKb, sampleCpu, start, stop, tasksetUsable, waitForLine } from './lib/proc.mjs';
import { topSelfTime } from './lib/profile.mjs';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOCUSTA_BIN = 'packages/locusta/bin/locusta.js';
const LOCUSTFILE = 'bench/locustfiles/master-probe.ts';
const TARGET_WORKERS = 2000;
const TARGET_CPU = 0.5;

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '100,250,500,1000,1500,2000,3000' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'profile-workers': { type: 'string', default: 'auto' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`node bench/master-capacity.mjs [--workers 100,250,500,1000,1500,2000,3000] [--duration 20] [--warmup 5]
  [--profile | --no-profile] [--profile-workers auto|N] [--no-write]
  --profile always profiles the master once more (by default only when ${TARGET_WORKERS} workers take >= half a core);
  auto profiles at the largest measured worker count the master still kept up with.
  --no-write prints the section instead of writing bench/RESULTS.md.
`);
  process.exit(0);
}
if (!existsSync(`${ROOT}packages/locusta/dist/index.js`) || !existsSync(`${ROOT}packages/runner/dist/index.js`)) {
  throw new Error('packages are not built: run `npx turbo run build` at the repository root first');
}

const workerCounts = values.workers.split(',').filter(Boolean).map(Number);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
for (const n of [...workerCounts, duration, warmup]) {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bad number in --workers/--duration/--warmup: ${n}`);
}

const log = (msg) => process.stderr.write(`master-capacity: ${msg}\n`);
const pin = tasksetUsable();
log(pin ? 'pinning: master on core 0, simulated workers on core 1' : 'taskset unavailable: running unpinned');
const fileHash = createHash('sha256').update(readFileSync(`${ROOT}${LOCUSTFILE}`)).digest('hex');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]);
}

/** One master with W simulated workers; returns the window's figures. */
async function runOnce(W, { nodeFlags = [] } = {}) {
  const port = await freePort();
  // --json-file, not --json: the CLI writes --json with one writeSync(1), which a non-blocking
  // stdout pipe can cut short (a report of 50 entries is ~200 KB of JSON, over a 64 KB pipe).
  const jsonBase = `${BENCH}out/master-capacity-${W}`;
  mkdirSync(`${BENCH}out`, { recursive: true });
  rmSync(`${jsonBase}.json`, { force: true });
  const master = start(
    process.execPath,
    [
      ...nodeFlags, LOCUSTA_BIN, '-f', LOCUSTFILE, '-H', 'http://127.0.0.1:1',
      '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--expect-workers', String(W),
      '--headless', '-u', String(W), '-r', String(W), '-t', `${warmup + duration + 600}s`, '--only-summary', '--json-file', jsonBase,
    ],
    { core: 0, pin, cwd: ROOT },
  );
  await waitForLine(master, 'stderr', /Master listening for workers on/, 30_000);
  const gen = start(
    process.execPath,
    [
      `${BENCH}clients/sim-workers.mjs`, '--port', String(port), '--workers', String(W), '--file-hash', fileHash,
      '--warmup', String(warmup), '--duration', String(duration),
    ],
    { core: 1, pin, cwd: ROOT },
  );
  const sampler = sampleCpu([master.pid, gen.pid], 200);
  let window;
  let rssKb;
  try {
    const [line] = await waitForLine(gen, 'stdout', /\{"event":"window".*\}\n/, (warmup + duration + 180) * 1000);
    window = JSON.parse(line);
    rssKb = memoryKb(master.pid)?.rssKb;
  } catch (err) {
    sampler.stop();
    await stop(gen, 'SIGKILL');
    await stop(master, 'SIGKILL');
    throw new Error(`${W} workers: ${err.message}\nmaster stderr:\n${master.stderrText.slice(-2000)}\nworkers stderr:\n${gen.stderrText.slice(-2000)}`, { cause: err });
  }
  // A graceful stop: the master stops the workers, waits for their last reports, writes --json-file.
  // A master that fell behind first works through what waits in its sockets; past the timeout it
  // is killed and its totals are not checked.
  // A master seconds behind (heartbeat round trip) holds minutes of reports in its sockets:
  // give it 15 s, not 120, then kill it.
  const behind = window.heartbeatRttMs.p99 > 1000;
  process.kill(master.pid, 'SIGTERM');
  let mres;
  let gres;
  let drained = true;
  try {
    mres = await withTimeout(master.done, behind ? 15_000 : 120_000, 'master exit');
  } catch {
    drained = false;
    mres = await stop(master, 'SIGKILL');
  }
  try {
    gres = await withTimeout(gen.done, 30_000, 'simulated workers exit');
  } catch {
    gres = await stop(gen, 'SIGTERM');
  } finally {
    sampler.stop();
    await stop(gen, 'SIGKILL');
  }
  writeFileSync(`${BENCH}out/master-capacity-${W}${nodeFlags.length ? '-profiled' : ''}.log`, mres.stderr);
  const genLines = gres.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const joined = genLines.find((e) => e.event === 'joined');
  const done = genLines.filter((e) => e.event === 'done').pop() ?? { requests: NaN, failures: NaN, reports: NaN, unexpectedCloses: NaN, refused: [] };
  let entries = [];
  if (drained) {
    try {
      entries = JSON.parse(readFileSync(`${jsonBase}.json`, 'utf8'));
      rmSync(`${jsonBase}.json`, { force: true });
    } catch (err) {
      throw new Error(`${W} workers: no readable --json-file from the master (exit ${mres.code ?? mres.signal}): ${err.message}\n${mres.stderr.slice(-3000)}`, { cause: err });
    }
  }
  const merged = entries.reduce((n, e) => n + e.num_requests, 0);
  const mergedFailures = entries.reduce((n, e) => n + e.num_failures, 0);
  const masterCpu = cpuRate(sampler.samples, master.pid, window.from, window.to);
  const generatorCpu = cpuRate(sampler.samples, gen.pid, window.from, window.to);
  // The master's own merge count (bench/locustfiles/master-probe.ts), nearest lines to the window's ends.
  const counts = [...mres.stderr.matchAll(/^MERGED ([\d.]+) (\d+)$/gm)].map((m) => ({ t: Number(m[1]), n: Number(m[2]) }));
  const nearest = (t) => counts.reduce((best, c) => (Math.abs(c.t - t) < Math.abs(best.t - t) ? c : best));
  const a = counts.length ? nearest(window.from) : undefined;
  const b = counts.length ? nearest(window.to) : undefined;
  const mergedPerSec = a && b && b.t > a.t ? (b.n - a.n) / (b.t - a.t) : undefined;
  return {
    workers: W,
    masterCpu,
    sentPerSec: window.reportsPerSec,
    mergedPerSec,
    keptUp: mergedPerSec !== undefined && mergedPerSec >= 0.95 * window.reportsPerSec && window.heartbeatRttMs.p99 < 1000,
    heartbeatsPerSec: window.heartbeats / window.seconds,
    mbPerSec: window.bytesPerSec / 1e6,
    cpuMsPerReport: mergedPerSec ? (masterCpu * 1000) / mergedPerSec : undefined,
    rtt: window.heartbeatRttMs,
    maxScheduleLagMs: window.maxScheduleLagMs,
    maxBufferedBytes: window.maxBufferedBytes,
    reportBytes: window.reportBytes,
    rssMb: rssKb === undefined ? undefined : rssKb / 1024,
    generatorCpu,
    joinSeconds: joined?.seconds,
    windowSeconds: window.seconds,
    sentRequests: done.requests,
    sentFailures: done.failures,
    sentReports: done.reports,
    mergedRequests: merged,
    mergedFailures,
    drained,
    exact: drained && merged === done.requests && mergedFailures === done.failures,
    unexpectedCloses: done.unexpectedCloses,
    refused: done.refused.length,
    lostWorkers: new Set([...mres.stderr.matchAll(/Worker (\S+) is missing/g)].map((m) => m[1])).size,
    masterExit: mres.code ?? mres.signal,
  };
}

const results = [];
for (const W of workerCounts) {
  log(`${W} workers: starting (warm-up ${warmup} s, window ${duration} s)`);
  const r = await runOnce(W);
  results.push(r);
  log(
    `${W} workers: master ${(r.masterCpu * 100).toFixed(1)} % of a core, ${r.sentPerSec.toFixed(1)} reports/s sent, ` +
      `${r.mergedPerSec?.toFixed(1)} merged/s, ${r.cpuMsPerReport?.toFixed(2)} ms CPU/report, heartbeat RTT p50 ${r.rtt.p50?.toFixed(1)} ms ` +
      `p99 ${r.rtt.p99?.toFixed(1)} ms, generator ${(r.generatorCpu * 100).toFixed(0)} %, ${r.lostWorkers} missing, merged exactly: ${r.exact}`,
  );
}

// Largest measured W under half a core (and keeping up), and a least-squares line CPU = a*W + b
// over the runs in which the master kept up (a saturated master's CPU says nothing of the load).
const ok = (r) => r.keptUp && r.masterCpu < TARGET_CPU;
const under = results.filter(ok);
const largestUnder = under.length ? Math.max(...under.map((r) => r.workers)) : undefined;
const fitted = results.filter((r) => r.keptUp);
let slope = NaN;
let intercept = 0;
if (fitted.length >= 2) {
  const mx = fitted.reduce((s, r) => s + r.workers, 0) / fitted.length;
  const my = fitted.reduce((s, r) => s + r.masterCpu, 0) / fitted.length;
  const sxx = fitted.reduce((s, r) => s + (r.workers - mx) ** 2, 0);
  slope = sxx > 0 ? fitted.reduce((s, r) => s + (r.workers - mx) * (r.masterCpu - my), 0) / sxx : NaN;
  intercept = my - slope * mx;
} else if (fitted.length === 1) {
  slope = fitted[0].masterCpu / fitted[0].workers;
}
const estimate = slope > 0 ? (TARGET_CPU - intercept) / slope : undefined;
const atTarget = results.find((r) => r.workers === TARGET_WORKERS);
const cpuAtTarget = atTarget ? atTarget.masterCpu : Number.isFinite(slope) ? slope * TARGET_WORKERS + intercept : undefined;
const pass = atTarget ? ok(atTarget) : cpuAtTarget !== undefined && cpuAtTarget < TARGET_CPU;

let profile;
if (values.profile || (!pass && !values['no-profile'])) {
  const W =
    values['profile-workers'] === 'auto'
      ? (fitted.length ? Math.max(...fitted.map((r) => r.workers)) : Math.min(...workerCounts))
      : Number(values['profile-workers']);
  const dir = `${BENCH}out/cpu-prof-master`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`profiling the master with ${W} workers under node --cpu-prof`);
  try {
    const r = await runOnce(W, { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    profile = { workers: W, masterCpu: r.masterCpu, mergedPerSec: r.mergedPerSec, ...topSelfTime(dir, ROOT, 20) };
    log(`profile: ${profile.file}`);
  } catch (err) {
    // The sweep's figures still get written.
    profile = { workers: W, error: err.message.split('\n')[0] };
    log(`profiling failed: ${err.message}`);
  }
}

// ---- RESULTS.md --------------------------------------------------------------------------------

const int = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(2));
const pct = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const command = ['node bench/master-capacity.mjs', ...process.argv.slice(2)].join(' ');
const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const sizes = results.map((r) => r.reportBytes).filter((s) => s.n > 0);

const lines = [];
const p = (s = '') => lines.push(s);
p('## Master capacity');
p();
p('Generated by `bench/master-capacity.mjs`, which replaces only this section (`bench/run.mjs` rewrites the whole file: re-run this after it).');
p();
p(`- Date: ${new Date().toISOString()}; ${os.availableParallelism()} CPUs, ${cpuModel}; Node ${process.version}`);
p(`- Command: \`${command}\` (per worker count: warm-up ${warmup} s after all workers joined and the users were spawned, then a ${duration} s window)`);
p(`- Pinning: ${pin ? 'master on core 0 (`taskset -c 0`), all simulated workers in one process on core 1 (`taskset -c 1`)' : 'NO (taskset unavailable): master and workers share the cores'}`);
p(`- Master: the real CLI, \`locusta -f ${LOCUSTFILE} -H http://127.0.0.1:1 --master --master-bind-host 127.0.0.1 --expect-workers W --headless -u W -r W --only-summary --json-file F\` (one user per worker, never run: the workers are simulated), stopped with SIGTERM after the window. The file is tight.ts plus a \`workerReport\` listener that counts merged reports and prints the count every 500 ms.`);
p('- Workers (bench/clients/sim-workers.mjs): W WebSocket clients speaking the real protocol (packages/runner `encode`/`decodeMasterMessage`): `client_ready`, `spawning`/`spawning_complete` on each spawn, a `heartbeat` per worker every 1 s and a `stats` report per worker every 3 s, each spread evenly over its interval (one global schedule). A report is one of 8 precomputed variants, each a real `RequestStats.serialize()` of 50 entries (35 GET, 15 POST, distinct names) with 200-400 log-normal response times each (medians 15-315 ms, sigma 0.6), ~2 % failures on every fifth entry (2 error texts), no exceptions; its unix seconds are shifted to the send time and it is encoded per send with the worker\'s nodeId.');
p('- Master CPU: utime+stime from /proc/PID/stat sampled every 200 ms, over the window, as % of one core. Sent/s: stats frames the workers sent in the window; merged/s: the master\'s own count of merged reports over the window. CPU ms per report: master CPU / merged reports (the 3 heartbeats per report included). Heartbeat RTT: worker heartbeat to the master\'s answer, which queues behind every report on that socket, so it shows a master falling behind. "Merged exactly": after the stop, the `num_requests`/`num_failures` sums of the master\'s `--json-file` equal what the workers sent over the whole run.');
p();
p('| Workers | master CPU (1 core) | reports sent/s | reports merged/s | heartbeats/s | MB/s in | CPU ms per report | heartbeat RTT p50 / p99 / max | workers marked missing | master RSS | generator CPU (core 1) | join time | merged exactly (requests merged / sent) | < 50 % and kept up |');
p('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  p(
    `| ${int(r.workers)} | ${pct(r.masterCpu)} | ${f1(r.sentPerSec)} | ${f1(r.mergedPerSec)} | ${int(r.heartbeatsPerSec)} | ${f1(r.mbPerSec)} | ${f2(r.cpuMsPerReport)} | ` +
      `${f1(r.rtt.p50)} / ${f1(r.rtt.p99)} / ${f1(r.rtt.max)} ms | ${r.lostWorkers} | ${f1(r.rssMb)} MB | ${pct(r.generatorCpu)} | ${f1(r.joinSeconds)} s | ` +
      `${r.exact ? 'yes' : r.drained ? 'NO' : 'not drained'} (${int(r.mergedRequests)} / ${int(r.sentRequests)}) | ${ok(r) ? 'yes' : 'no'} |`,
  );
}
p();
if (sizes.length) {
  const med = sizes.map((s) => s.median).sort((a, b) => a - b)[sizes.length >> 1];
  p(
    `Size of one \`stats\` frame (msgpackr; 50 entries + Aggregated, in the compact form WorkerRunner sends (stats-wire.ts: tuples, strings by number in the connection table, 4-bit bucket codes, no Aggregated histogram)): min ${int(Math.min(...sizes.map((s) => s.min)))} B, ` +
      `median ${int(med)} B (${kb(med)}), max ${int(Math.max(...sizes.map((s) => s.max)))} B, over ${int(sizes.reduce((a, s) => a + s.n, 0))} frames sent in the windows.`,
  );
}
const notes = [];
for (const r of results) {
  const issues = [];
  if (!r.keptUp) issues.push(`the master fell behind (merged ${f1(r.mergedPerSec)} of ${f1(r.sentPerSec)} reports/s, heartbeat RTT p99 ${f1(r.rtt.p99)} ms): its CPU is its ceiling, not the load's cost`);
  if (r.generatorCpu > 0.9) issues.push(`the generator used ${pct(r.generatorCpu)} of its core`);
  if (r.maxScheduleLagMs > 250) issues.push(`the generator ran up to ${int(r.maxScheduleLagMs)} ms behind its schedule`);
  if (r.maxBufferedBytes > 1e6) issues.push(`up to ${int(r.maxBufferedBytes / 1e6)} MB waited in the workers' send buffers`);
  if (r.lostWorkers || (r.drained && r.unexpectedCloses) || r.refused) issues.push(`${r.lostWorkers} workers marked missing by the master, ${r.unexpectedCloses} unexpected closes, ${r.refused} refused`);
  if (!r.drained) issues.push('the master was still working through its backlog after SIGTERM and was killed, so its totals were not checked');
  else if (!r.exact) issues.push(`the master's totals differ from what was sent (${int(r.mergedRequests)} vs ${int(r.sentRequests)} requests, ${int(r.mergedFailures)} vs ${int(r.sentFailures)} failures)`);
  if (issues.length) notes.push(`- ${int(r.workers)} workers: ${issues.join('; ')}.`);
}
if (notes.length) {
  p();
  p('Caveats:');
  for (const l of notes) p(l);
}
p();
p(
  `Largest measured worker count under half a core: **${largestUnder === undefined ? 'none' : int(largestUnder)}**. ` +
    (Number.isFinite(slope)
      ? `A least-squares line over the ${fitted.length} run(s) the master kept up with gives CPU = ${f1(slope * 100 * 100)} % per 100 workers ${intercept >= 0 ? '+' : '-'} ${f1(Math.abs(intercept) * 100)} %, ` +
        `so half a core is reached at about **${int(estimate)} workers** (${f1(estimate / 3)} reports/s).`
      : 'The master kept up with none of the runs, so no line is fitted.'),
);
p();
p('| Target | Measured | Result |');
p('|---|---|---|');
p(
  `| ${int(TARGET_WORKERS)} workers under half a core (master, one core) | ${
    atTarget
      ? `${pct(atTarget.masterCpu)} of one core, ${f1(atTarget.mergedPerSec)} of ${f1(atTarget.sentPerSec)} reports/s merged${atTarget.keptUp ? '' : ' (saturated)'}`
      : `${pct(cpuAtTarget)} of one core extrapolated (${int(TARGET_WORKERS)} was not run)`
  }${Number.isFinite(slope) ? `; the fitted line needs ${pct(slope * TARGET_WORKERS + intercept)} of a core for ${int(TARGET_WORKERS)}` : ''} | ${pass ? 'PASS' : 'FAIL'} |`,
);
p();
p('### 1,000,000 concurrent users, on paper');
p();
// From the slopes above and the memory rows `npm run bench` wrote (bench/out/results.json), when present.
const memoryRows = (() => {
  try {
    return JSON.parse(readFileSync(`${BENCH}out/results.json`, 'utf8')).memory ?? [];
  } catch {
    return [];
  }
})();
const mem10k = memoryRows.find((m) => m.users === 10_000);
const USERS_PER_WORKER = 10_000;
const workersNeeded = 1_000_000 / USERS_PER_WORKER;
const frameMedian = sizes.length ? sizes.map((s) => s.median).sort((a, b) => a - b)[sizes.length >> 1] : undefined;
p(
  `- Workers: at ${int(USERS_PER_WORKER)} users a worker process (the bench's waiting users; a busy user file needs more processes), **${int(workersNeeded)} worker processes**` +
    (mem10k ? `, each about ${f1(mem10k.peakMb)} MB RSS (measured for 10,000 waiting users by \`npm run bench\`), so ${f1((workersNeeded * mem10k.peakMb) / 1024)} GB across the machines.` : ' (run `npm run bench` first for their memory).'),
);
p(
  `- Master CPU: ${Number.isFinite(slope) ? `the fitted line gives ${pct(slope * workersNeeded + intercept)} of one core for ${int(workersNeeded)} workers` : 'no line was fitted'}; the stats reports do not grow with users, only with workers and entries.`,
);
p(
  `- Network into the master: ${frameMedian ? `${int(workersNeeded)} workers x ${kb(frameMedian)} every 3 s = ${f1((workersNeeded * frameMedian) / 3 / 1024)} KB/s of stats reports, plus a heartbeat per worker per second` : 'no frame size was measured'}; the load itself never passes through the master.`,
);
if (profile?.error) {
  p();
  p(`The profiled run (${int(profile.workers)} workers under \`node --cpu-prof\`) failed: ${profile.error}`);
} else if (profile) {
  p();
  p("### Where the master's CPU goes");
  p();
  p(
    `One extra run with ${int(profile.workers)} workers, the master under \`node --cpu-prof\` (${profile.file.replace(/^.*\/bench\//, 'bench/')}; ` +
      `${pct(profile.masterCpu)} of a core and ${f1(profile.mergedPerSec)} reports/s merged in its window). ${int(profile.totalMs)} ms sampled over the whole process ` +
      '(start-up, joins and shutdown included; idle time is `(idle)`). Top self time:',
  );
  p();
  p('| Self % | Self ms | Function | Location |');
  p('|---|---|---|---|');
  for (const t of profile.top) p(`| ${t.pct.toFixed(1)} | ${int(t.ms)} | \`${t.name}\` | ${t.where || ''} |`);
}
p();
const section = lines.join('\n');

mkdirSync(`${BENCH}out`, { recursive: true });
writeFileSync(
  `${BENCH}out/master-capacity.json`,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, pinned: pin, warmup, duration, results, largestUnder, slope, intercept, estimate, pass, profile }, null, 2)}\n`,
);
if (values['no-write']) {
  process.stdout.write(`${section}\n`);
} else {
  const file = `${BENCH}RESULTS.md`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.search(/^## Master capacity\s*$/m);
  let md;
  if (at < 0) {
    md = `${old.replace(/\s*$/, '')}\n\n${section}`;
  } else {
    // The section ends at the next level-2 heading (its own ### headings belong to it).
    const rest = old.slice(at + 1);
    const next = rest.search(/^## /m);
    md = `${old.slice(0, at)}${section}${next < 0 ? '' : `\n${rest.slice(next)}`}`;
  }
  writeFileSync(file, md.endsWith('\n') ? md : `${md}\n`);
  log('wrote the "## Master capacity" section of bench/RESULTS.md and bench/out/master-capacity.json');
  process.stdout.write(`${section}\n`);
}
