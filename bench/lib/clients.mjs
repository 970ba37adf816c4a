// One run of each client against the target, each pinned to core 0. Every function returns
// { rps, requests, seconds, cpuSeconds, errors, serverCpu } for its measured window, where
// cpuSeconds is the client's CPU (user + system) inside that window and serverCpu the target's
// CPU utilisation (0..1 of its core) over the same window.
import { fileURLToPath } from 'node:url';
import { cpuRate, sampleCpu, sampleMemory, start, stop, waitForLine } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = fileURLToPath(new URL('../', import.meta.url));
const LOCUSTA_BIN = 'packages/locusta/bin/locusta.js';

/** A client script that prints one JSON line and measures its own window after `warmup` s. */
async function runScript(script, args, o, nodeFlags = []) {
  const child = start(process.execPath, [...nodeFlags, `${BENCH}${script}`, ...args], { core: 0, pin: o.pin, cwd: ROOT });
  const sampler = sampleCpu([o.server.pid], 200);
  const res = await child.done;
  sampler.stop();
  if (res.code !== 0) throw new Error(`${script} failed (${res.code ?? res.signal}):\n${res.stderr}`);
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const t1 = Date.now() / 1000;
  // The measured window is the last `seconds` before the script printed (closing takes ~ms).
  out.serverCpu = cpuRate(sampler.samples, o.server.pid, t1 - out.seconds, t1);
  return out;
}

export function runUndiciPool(o, nodeFlags = []) {
  return runScript(
    'clients/undici-pool.mjs',
    ['--url', o.url, '--connections', String(o.users), '--concurrency', String(o.users), '--duration', String(o.duration), '--warmup', String(o.warmup)],
    o,
    nodeFlags,
  );
}

/** One undici Pool loop under `node --cpu-prof`, to compare with Locusta's profile. */
export async function profileUndiciPool(o, dir) {
  await runUndiciPool(o, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  return dir;
}

export function runAutocannon(o) {
  return runScript(
    'clients/autocannon.mjs',
    ['--url', o.url, '--connections', String(o.users), '--duration', String(o.duration), '--warmup', String(o.warmup)],
    o,
  );
}

/**
 * `locusta ... --json` in one process. `watch(child)` runs right after the spawn and its promise
 * is awaited with the exit; returns { res, entries, watched, server CPU samples }.
 */
async function locusta(file, o, { users, rate, runTime, nodeFlags = [], watch }) {
  const args = [
    ...nodeFlags,
    LOCUSTA_BIN, '-f', `bench/locustfiles/${file}`, '-H', o.url, '--headless',
    '-u', String(users), '-r', String(rate), '-t', `${runTime}s`, '--only-summary', '--json',
  ];
  const child = start(process.execPath, args, { core: 0, pin: o.pin, cwd: ROOT });
  const sampler = sampleCpu([child.pid, o.server.pid], 100);
  const watched = (watch ? watch(child) : Promise.resolve()).catch((e) => e);
  const res = await child.done;
  sampler.stop();
  const w = await watched;
  if (res.code !== 0) throw new Error(`locusta ${file} exited ${res.code ?? res.signal}:\n${res.stderr.slice(-3000)}`);
  if (w instanceof Error) throw w;
  const entries = JSON.parse(res.stdout);
  return { pid: child.pid, res, entries, watched: w, samples: sampler.samples };
}

function sumEntries(entries, key) {
  return entries.reduce((n, e) => n + e[key], 0);
}

/**
 * Locusta with `-t (warmup + duration)s`, the same warm-up the baselines get. req/s comes from
 * num_reqs_per_sec (requests per unix second, summed over entries): the first `warmup` seconds
 * (the partial first second, the ramp, JIT warm-up) and the last, partial second are dropped, the
 * rest are summed and divided by their count. Client and server CPU are read from /proc/PID/stat
 * every 100 ms and taken over the same unix-second window.
 */
export async function runLocusta(o) {
  const { pid, entries, samples } = await locusta(o.locustfile ?? 'tight.ts', o, {
    users: o.users,
    rate: o.users,
    runTime: o.warmup + o.duration,
    nodeFlags: o.nodeFlags,
  });
  const perSecond = new Map();
  for (const e of entries) {
    for (const [s, n] of Object.entries(e.num_reqs_per_sec)) perSecond.set(Number(s), (perSecond.get(Number(s)) ?? 0) + n);
  }
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  const from = seconds[0] + o.warmup;
  const to = seconds[seconds.length - 1];
  let requests = 0;
  for (const [s, n] of perSecond) if (s >= from && s < to) requests += n;
  const window = to - from;
  if (window < 1) throw new Error(`Locusta run too short for a steady window: seconds ${seconds.join(',')}`);
  const clientRate = cpuRate(samples, pid, from, to);
  const lifetime = samples.filter((s) => s.cpu[pid] !== undefined).pop()?.cpu[pid];
  return {
    requests,
    seconds: window,
    rps: requests / window,
    cpuSeconds: clientRate * window,
    errors: sumEntries(entries, 'num_failures'),
    serverCpu: cpuRate(samples, o.server.pid, from, to),
    totalRequests: sumEntries(entries, 'num_requests'),
    processCpuSeconds: lifetime,
  };
}

/**
 * `users` waiting users (bench/locustfiles/waiting.ts) spawned at `rate`/s: VmRSS is sampled
 * when "All users spawned" is logged and every 250 ms for `settle` seconds after; the run then
 * ends on its own run time.
 */
export async function runMemory(o, users, rate, settle = 4) {
  const spawnSeconds = Math.ceil(users / rate);
  const watch = async (child) => {
    await waitForLine(child, 'stderr', /All users spawned/, (spawnSeconds + 60) * 1000);
    return sampleMemory(child.pid, settle);
  };
  const { entries, watched } = await locusta('waiting.ts', o, {
    users,
    rate,
    runTime: spawnSeconds + settle + 3,
    nodeFlags: o.nodeFlags,
    watch,
  });
  const mb = (kb) => kb / 1024;
  return {
    users,
    rate,
    atSpawnedMb: mb(watched[0].rssKb),
    afterMb: mb(watched[watched.length - 1].rssKb),
    afterSeconds: watched[watched.length - 1].t,
    peakMb: mb(Math.max(...watched.map((s) => s.rssKb))),
    hwmMb: mb(watched[watched.length - 1].hwmKb),
    requests: sumEntries(entries, 'num_requests'),
    failures: sumEntries(entries, 'num_failures'),
  };
}

/** One Locusta throughput run under `node --cpu-prof`; returns the .cpuprofile path. */
export async function profileLocusta(o, dir) {
  await locusta('tight.ts', o, {
    users: o.users,
    rate: o.users,
    runTime: o.warmup + o.duration,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  return dir;
}

/**
 * The floor under runMemory's figure: `users` bare undici Clients (clients/undici-idle.mjs), one
 * keep-alive connection each, opened at the same rate, sampled the same way once all have their
 * response; then killed. What the same connections cost without Locusta around them.
 */
export async function runMemoryFloor(o, users, rate, settle = 4) {
  const child = start(process.execPath, [`${BENCH}clients/undici-idle.mjs`, '--url', o.url, '--clients', String(users), '--rate', String(rate)], { core: 0, pin: o.pin, cwd: ROOT });
  try {
    const [, answered] = await waitForLine(child, 'stderr', /READY (\d+) answered/, (Math.ceil(users / rate) + 60) * 1000);
    const samples = await sampleMemory(child.pid, settle);
    return { users, answered: Number(answered), peakMb: Math.max(...samples.map((m) => m.rssKb)) / 1024 };
  } finally {
    await stop(child, 'SIGKILL');
  }
}
