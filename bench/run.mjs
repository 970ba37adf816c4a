#!/usr/bin/env node
// Locusta's macro benchmark (style.md B.9): one loopback target, then, one process on one core
// each, a plain undici Pool loop (A), autocannon (B) and Locusta, R rounds in rotating order,
// then the RSS of 1,000 and 10,000 waiting users. Writes bench/RESULTS.md and bench/out/results.json.
//   npm run bench -- --duration 10 --rounds 3 --users 32
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH = fileURLToPath(new URL('./', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    users: { type: 'string', default: '32' },
    server: { type: 'string', default: 'raw' },
    'memory-users': { type: 'string', default: '1,1000,10000' },
    'spawn-rate': { type: 'string', default: '2000' },
    profile: { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'memory-only': { type: 'boolean', default: false },
    'throughput-only': { type: 'boolean', default: false },
    locustfile: { type: 'string', default: 'tight.ts' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`node bench/run.mjs [--duration 10] [--warmup 2] [--rounds 3] [--users 32]
  [--server raw|http|nginx] [--memory-users 1,1000,10000] [--spawn-rate 2000] [--profile | --no-profile]
  [--memory-only] [--throughput-only] [--locustfile tight.ts]
  --profile always runs Locusta once more under node --cpu-prof (by default only when it misses the target).
  --memory-only skips the throughput rounds, prints the memory rows and leaves bench/RESULTS.md as it is.
  --throughput-only runs only the undici Pool loop and Locusta rounds (no autocannon, no memory),
    prints their summary and same-round ratios as JSON and leaves bench/RESULTS.md as it is;
    with --profile, also the top self time of one Locusta run and of one undici loop run (main threads).
  --locustfile picks the Locusta throughput locustfile in bench/locustfiles/ (tight-timeout.ts
    sets a request timeout, to measure its timer).
`);
  process.exit(0);
}

// Install autocannon on first use: bench/ is outside the root workspaces on purpose.
if (!existsSync(`${BENCH}node_modules/autocannon`)) {
  process.stderr.write('bench: installing bench/ dependencies (autocannon)\n');
  execSync('npm install --prefix bench --no-audit --no-fund', { cwd: ROOT, stdio: 'inherit' });
}
if (!existsSync(`${ROOT}packages/locusta/dist/index.js`)) {
  throw new Error('packages are not built: run `npx turbo run build` at the repository root first');
}

const { runAutocannon, runLocusta, runMemory, runMemoryFloor, runUndiciPool, profileLocusta, profileUndiciPool } = await import('./lib/clients.mjs');
const { peerVersions, peersInstalled, runLocust, runWrk } = await import('./lib/peers.mjs');
const { startNginx } = await import('./lib/nginx.mjs');
const { start, stop, tasksetUsable, waitForLine } = await import('./lib/proc.mjs');
const { renderResults, summarise, TARGET_RATIO } = await import('./lib/report.mjs');
const { topSelfTime } = await import('./lib/profile.mjs');

const num = (name) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${values[name]}`);
  return n;
};
const opts = {
  duration: num('duration'),
  warmup: num('warmup'),
  rounds: Math.round(num('rounds')),
  users: Math.round(num('users')),
  server: values.server,
  locustfile: values.locustfile,
  autocannonVersion: JSON.parse(readFileSync(`${BENCH}node_modules/autocannon/package.json`, 'utf8')).version,
};
const memoryUsers = values['memory-users'] ? values['memory-users'].split(',').filter(Boolean).map(Number) : [];
const spawnRate = num('spawn-rate');

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const pin = tasksetUsable();
log(pin ? 'pinning: target on core 1, clients on core 0' : 'taskset unavailable: running unpinned');

let server;
let port;
if (opts.server === 'nginx') {
  ({ child: server, port } = await startNginx({ core: 1, pin }));
} else {
  server = start(process.execPath, [`${BENCH}target.mjs`, '--kind', opts.server], { core: 1, pin, cwd: ROOT, stdin: 'pipe' });
  [, port] = await waitForLine(server, 'stdout', /READY (\d+)/, 10_000);
}
const o = { ...opts, pin, server, url: `http://127.0.0.1:${port}` };
log(`target (${opts.server}) pid ${server.pid} on ${o.url}`);

const CLIENTS = { undici: runUndiciPool, autocannon: runAutocannon, locusta: runLocusta, wrk: runWrk, locust: runLocust };
const throughputOnly = values['throughput-only'];
// wrk and Locust run in the same rounds when installed (Debian's wrk and python3-locust).
const peers = peersInstalled();
for (const [name, ok] of Object.entries(peers)) if (!ok && !throughputOnly) log(`${name} is not installed: not measured (apt-get install ${name === 'wrk' ? 'wrk' : 'python3-locust'})`);
const clientNames = throughputOnly ? ['undici', 'locusta'] : ['undici', 'autocannon', 'locusta', ...Object.keys(peers).filter((k) => peers[k])];
// Each round starts one client later, so no client always runs first or last.
const ROTATION = clientNames.map((_, r) => [...clientNames.slice(r), ...clientNames.slice(0, r)]);
const runs = { ...Object.fromEntries(clientNames.map((c) => [c, []])), all: [] };
const order = [];
// A memory-only run (for iterating on per-user memory) has no throughput to report.
const memoryOnly = values['memory-only'];
for (let round = 1; !memoryOnly && round <= opts.rounds; round++) {
  const names = ROTATION[(round - 1) % ROTATION.length];
  order.push(names);
  for (const client of names) {
    const r = await CLIENTS[client](o);
    runs[client].push(r);
    runs.all.push({ round, client, ...r });
    log(`round ${round} ${client}: ${Math.round(r.rps)} req/s, ${r.cpuSeconds.toFixed(2)} CPU s, ${Math.round(r.requests / r.cpuSeconds)} req/CPU-s, target ${Math.round((r.serverCpu ?? NaN) * 100)} % busy, ${r.errors} errors`);
  }
}
const summary = memoryOnly
  ? undefined
  : summarise(Object.fromEntries(clientNames.map((c) => [c, runs[c]])));
if (throughputOnly) {
  const perRound = order.map((_, i) => {
    const get = (c) => runs.all.find((r) => r.round === i + 1 && r.client === c);
    return get('locusta').rps / get('undici').rps;
  });
  const ratio = summary.locusta.rps / summary.undici.rps;
  // With --profile, the self-time tops of Locusta and of the undici loop, side by side.
  let profiles;
  if (values.profile) {
    profiles = {};
    for (const [name, run] of [['locusta', profileLocusta], ['undici', profileUndiciPool]]) {
      const dir = `${BENCH}out/cpu-prof-${name}`;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      log(`profiling one ${name} run with node --cpu-prof`);
      await run(o, dir);
      profiles[name] = topSelfTime(dir, ROOT, 25);
    }
  }
  await stop(server);
  process.stdout.write(`${JSON.stringify({ locustfile: opts.locustfile, ratio, perRound, summary, profiles }, null, 2)}\n`);
  process.exit(0);
}

const memory = [];
for (const users of memoryUsers) {
  const m = await runMemory(o, users, spawnRate);
  // The same connections held by bare undici Clients, right after: the floor under Locusta's figure.
  const floor = await runMemoryFloor(o, users, spawnRate);
  m.floorMb = floor.peakMb;
  m.floorAnswered = floor.answered;
  memory.push(m);
  log(`memory ${users} users: ${m.atSpawnedMb.toFixed(1)} MB at spawned, peak ${m.peakMb.toFixed(1)} MB, VmHWM ${m.hwmMb.toFixed(1)} MB, ${m.failures} failures; bare undici Clients ${floor.peakMb.toFixed(1)} MB (${floor.answered} answered)`);
}
if (memoryOnly) {
  await stop(server);
  process.stdout.write(`${JSON.stringify(memory, null, 2)}\n`);
  process.exit(0);
}

let profile;
const underTarget = summary.locusta.rps / summary.undici.rps < TARGET_RATIO;
if (values.profile || (underTarget && !values['no-profile'])) {
  const dir = `${BENCH}out/cpu-prof`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log('profiling one Locusta run with node --cpu-prof');
  await profileLocusta(o, dir);
  profile = topSelfTime(dir, ROOT);
}

await stop(server);

const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const nproc = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || os.availableParallelism();
const machine = { nproc, cpuModel, os: `${os.type()} ${os.release()}` };
const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const md = renderResults({ machine, opts: { ...opts, peers: peerVersions() }, command, pinned: pin, summary, runs, memory, profile, order });
// Keep the section bench/master-capacity.mjs writes: this run does not measure it.
let kept = '';
try {
  const previous = readFileSync(`${BENCH}RESULTS.md`, 'utf8');
  const at = previous.indexOf('\n## Master capacity');
  if (at >= 0) kept = previous.slice(at);
} catch {
  // no earlier results
}
writeFileSync(`${BENCH}RESULTS.md`, `${md.trimEnd()}\n${kept}`);
mkdirSync(`${BENCH}out`, { recursive: true });
writeFileSync(`${BENCH}out/results.json`, `${JSON.stringify({ date: new Date().toISOString(), machine, node: process.version, pinned: pin, opts: { ...opts }, summary, runs: runs.all, memory, profile }, null, 2)}\n`);
log('wrote bench/RESULTS.md and bench/out/results.json');
process.stdout.write(md);
