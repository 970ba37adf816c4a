// The clients of other projects, run in the same rounds as Locusta's when they are installed:
// wrk (C, the ceiling of one core) and Locust's FastHttpUser (Debian's python3-locust), each
// pinned to core 0 and measured as the Node clients are ({ rps, requests, seconds, cpuSeconds,
// errors, serverCpu }).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuRate, sampleCpu, start } from './proc.mjs';

const BENCH = fileURLToPath(new URL('../', import.meta.url));

const installed = (bin, args) => spawnSync(bin, args).error === undefined;

/** Which peers this machine has: { wrk, locust } booleans. */
export function peersInstalled() {
  return { wrk: installed('wrk', ['--version']), locust: installed('locust', ['--version']) };
}

/** The peers' versions as they report them (undefined when absent). */
export function peerVersions() {
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const locust = spawnSync('locust', ['--version'], { encoding: 'utf8' });
  return {
    wrk: /wrk [^\s]+/.exec(`${wrk.stdout}${wrk.stderr}`)?.[0],
    // Debian's python3-locust prints an empty version; its package knows it.
    locust: spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'python3-locust'], { encoding: 'utf8' }).stdout?.trim() || `${locust.stdout}${locust.stderr}`.trim().split('\n')[0],
  };
}

/**
 * wrk, one thread, `users` connections: a warm-up run, then a measured run of `duration` s.
 * req/s is wrk's own count over its run; CPU from /proc over the measured run.
 */
export async function runWrk(o) {
  const args = (seconds) => ['-t1', `-c${o.users}`, `-d${seconds}s`, o.url];
  await start('wrk', args(o.warmup), { core: 0, pin: o.pin, cwd: BENCH }).done;
  const child = start('wrk', args(o.duration), { core: 0, pin: o.pin, cwd: BENCH });
  const t0 = Date.now() / 1000;
  const sampler = sampleCpu([child.pid, o.server.pid], 100);
  const res = await child.done;
  sampler.stop();
  const t1 = Date.now() / 1000;
  if (res.code !== 0) throw new Error(`wrk failed (${res.code ?? res.signal}):\n${res.stderr}${res.stdout}`);
  const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(res.stdout);
  if (!m) throw new Error(`wrk printed no request count:\n${res.stdout}`);
  const requests = Number(m[1]);
  const seconds = Number(m[2]) / (m[3] === 'ms' ? 1000 : 1);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(res.stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(res.stdout);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  // The sampler's first and last samples bound the run; take the middle of it.
  const from = t0 + 0.3;
  const to = t1 - 0.3;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    cpuSeconds: (cpuRate(sampler.samples, child.pid, from, to) ?? NaN) * seconds,
    errors,
    serverCpu: cpuRate(sampler.samples, o.server.pid, from, to),
  };
}

/**
 * Locust's FastHttpUser (bench/locustfiles/locust_fast.py), one process, every user spawned at
 * once, run time = warm-up + duration. req/s is the Aggregated "Requests/s" of its `_stats.csv`
 * (requests over the run: its history file cannot be used, since a closed loop on loopback keeps
 * gevent's CSV writer from running until the end); CPython has no JIT to warm up. CPU from /proc
 * over the run after `warmup` s, as a rate, times the run's seconds.
 */
export async function runLocust(o) {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-locust-'));
  const prefix = join(dir, 'run');
  const runTime = o.warmup + o.duration;
  const args = [
    '-f', `${BENCH}locustfiles/locust_fast.py`, '--headless', '-H', o.url,
    '-u', String(o.users), '-r', String(o.users * 100), '-t', `${runTime}s`,
    '--csv', prefix, '--only-summary', '--loglevel', 'WARNING',
  ];
  const child = start('locust', args, { core: 0, pin: o.pin, cwd: dir });
  const sampler = sampleCpu([child.pid, o.server.pid], 100);
  const res = await child.done;
  sampler.stop();
  try {
    if (res.code !== 0 && res.code !== 1) throw new Error(`locust exited ${res.code ?? res.signal}:\n${res.stderr.slice(-3000)}`);
    const lines = readFileSync(`${prefix}_stats.csv`, 'utf8').trim().split('\n');
    const head = lines[0].split(',').map((h) => h.replace(/"/g, ''));
    const row = lines
      .slice(1)
      .map((l) => l.split(',').map((c) => c.replace(/"/g, '')))
      .find((r) => r[head.indexOf('Name')] === 'Aggregated');
    if (!row) throw new Error('locust wrote no Aggregated row');
    const requests = Number(row[head.indexOf('Request Count')]);
    const rps = Number(row[head.indexOf('Requests/s')]);
    const seconds = requests / rps;
    // The window: after the warm-up, up to the last sample taken while locust still ran.
    const live = sampler.samples.filter((x) => x.cpu[child.pid] !== undefined);
    const from = live[0].t + o.warmup;
    const to = live[live.length - 1].t - 0.5;
    return {
      requests,
      seconds,
      rps,
      cpuSeconds: (cpuRate(sampler.samples, child.pid, from, to) ?? NaN) * seconds,
      errors: Number(row[head.indexOf('Failure Count')]),
      serverCpu: cpuRate(sampler.samples, o.server.pid, from, to),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
