#!/usr/bin/env node
// RSS of many waiting users in ONE Locusta process, each holding a keep-alive connection:
//   node bench/many-users.mjs [--users 1000,10000,100000] [--addresses N] [--spawn-rate 2000] [--settle 5]
// Target: nginx (lib/nginx.mjs) listening on N loopback addresses 127.0.0.1..127.0.0.N (default
// one per 10,000 users, and each count its own), in as many worker processes as its file-descriptor limit needs. Client:
// `locusta --headless` with bench/locustfiles/waiting-spread.ts, whose users take the addresses
// in turn, so that one client address's ephemeral ports suffice. Locusta needs a descriptor per
// user: its limit is raised with `prlimit`, and when that is not allowed the counts above what
// fits are not measured (said on stderr and in the output) and the largest count that fits is.
// Prints one JSON document; bench/RESULTS.md is left as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fileLimits, startNginx } from './lib/nginx.mjs';
import { memoryKb, sampleMemory, start, stop, tasksetUsable, waitForLine } from './lib/proc.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOCUSTA_BIN = 'packages/locusta/bin/locusta.js';
/** Descriptors Locusta needs beside its users' sockets (its own files, pipes, the event loop). */
const FD_SPARE = 1_000;
/** Ephemeral ports one (client address, target address, port) triple may use, with room to spare. */
const USERS_PER_ADDRESS = 10_000;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,10000,100000' },
    addresses: { type: 'string' },
    'spawn-rate': { type: 'string', default: '2000' },
    settle: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('node bench/many-users.mjs [--users 1000,10000,100000] [--addresses N] [--spawn-rate 2000] [--settle 5]\n');
  process.exit(0);
}
if (!existsSync(`${ROOT}packages/locusta/dist/index.js`)) {
  throw new Error('packages are not built: run `npx turbo run build` at the repository root first');
}
const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
};
const asked = values.users.split(',').filter(Boolean).map((u) => positive('users', u));
const rate = positive('spawn-rate', values['spawn-rate']);
const settle = positive('settle', values.settle);
const log = (msg) => process.stderr.write(`many-users: ${msg}\n`);

/**
 * How Locusta gets `need` descriptors: { prefix: command words to start it with, limit } or
 * undefined when this user may not raise its limit that far (raising the hard limit takes root
 * with CAP_SYS_RESOURCE; a container may withhold it even from root).
 */
function fdLauncher(need) {
  const { soft, hard } = fileLimits();
  if (need <= soft) return { prefix: [], limit: soft };
  if (need <= hard) return { prefix: ['prlimit', `--nofile=${need}:${hard}`], limit: need };
  if (spawnSync('prlimit', [`--nofile=${need}:${need}`, 'true']).status === 0) return { prefix: ['prlimit', `--nofile=${need}:${need}`], limit: need };
  return undefined;
}

const { hard } = fileLimits();
const counts = [];
const skipped = [];
for (const users of asked) {
  if (fdLauncher(users + FD_SPARE)) counts.push(users);
  else skipped.push(users);
}
if (skipped.length > 0) {
  const fits = hard - FD_SPARE;
  log(
    `cannot raise the open-file limit to ${Math.max(...skipped) + FD_SPARE} (hard limit ${hard}; raising it needs root with CAP_SYS_RESOURCE, ` +
      `which this machine withholds): NOT measured: ${skipped.join(', ')} users; measuring ${fits} users, the most that fit, instead`,
  );
  if (!counts.includes(fits)) counts.push(fits);
}
counts.sort((a, b) => a - b);

const most = Math.max(...counts);
const addressCount = values.addresses ? positive('addresses', values.addresses) : Math.max(1, Math.ceil(most / USERS_PER_ADDRESS));
// Each count gets addresses of its own: the client ports of the previous run stay in TIME_WAIT
// for a minute, and with the new connections they would not fit in one address's port range.
if (addressCount * counts.length > 254) throw new Error(`--addresses: at most ${Math.floor(254 / counts.length)} for ${counts.length} counts (127.0.0.1 to 127.0.0.254)`);
const addressesOf = (run) => Array.from({ length: addressCount }, (_, i) => `127.0.0.${run * addressCount + i + 1}`);
const pin = tasksetUsable();

/** Sockets among the open descriptors of `pid`. */
function socketCount(pid) {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

async function measure(users, run) {
  // A target of its own for each count: the connections of the previous run may still be closing.
  const nginx = await startNginx({ core: 1, pin, addresses: addressesOf(run), connections: users });
  log(`${users} users: target nginx, ${nginx.workers} worker process(es), on ${nginx.hosts.join(' ')}${pin ? ' (core 1; Locusta on core 0)' : ''}`);
  hosts.push(...nginx.hosts);
  try {
    return await measureAgainst(nginx, users);
  } finally {
    await stop(nginx.child);
  }
}

async function measureAgainst(nginx, users) {
  const { prefix, limit } = fdLauncher(users + FD_SPARE);
  const args = [LOCUSTA_BIN, '-f', 'bench/locustfiles/waiting-spread.ts', '--headless', '-u', String(users), '-r', String(rate), '-t', '1h', '--only-summary', '--json'];
  const [cmd, ...rest] = [...prefix, process.execPath, ...args];
  log(`${users} users: open-file limit ${limit}${prefix.length ? ` (set with ${prefix.join(' ')})` : ''}`);
  const t0 = Date.now();
  const env = { ...process.env, BENCH_TARGETS: nginx.hosts.join(','), BENCH_USERS: String(users) };
  const child = start(cmd, rest, { core: 0, pin, cwd: ROOT, env });
  // prlimit execs node: the pid is Locusta's. Measured once every user has had its response.
  await waitForLine(child, 'stderr', /All users spawned/, (users / rate) * 10_000 + 120_000);
  const spawnSeconds = (Date.now() - t0) / 1000;
  const atSpawned = memoryKb(child.pid);
  await waitForLine(child, 'stderr', /BENCH: all \d+ users have their response/, (users / rate) * 10_000 + 120_000);
  const answeredSeconds = (Date.now() - t0) / 1000;
  const samples = await sampleMemory(child.pid, settle);
  const sockets = socketCount(child.pid);
  // SIGTERM ends the run as its run time would: the summary and the JSON stats are written.
  const res = await stop(child, 'SIGTERM');
  let entries;
  try {
    entries = JSON.parse(res.stdout);
  } catch {
    throw new Error(`locusta (${users} users) printed no JSON stats (exit ${res.code ?? res.signal}):\n${res.stderr.slice(-3000)}`);
  }
  const sum = (key) => entries.reduce((n, e) => n + e[key], 0);
  const mb = (kb) => Math.round(kb / 102.4) / 10;
  const first = samples[0];
  const last = samples[samples.length - 1];
  return {
    users,
    spawnSeconds,
    answeredSeconds,
    atSpawnedMb: mb(atSpawned.rssKb),
    answeredMb: mb(first.rssKb),
    afterMb: mb(last.rssKb),
    anonMb: mb(last.anonKb),
    fileMb: mb(last.fileKb),
    peakMb: mb(Math.max(...samples.map((s) => s.rssKb))),
    hwmMb: mb(last.hwmKb),
    sockets,
    requests: sum('num_requests'),
    failures: sum('num_failures'),
    exitCode: res.code,
    // What failed, from Locusta's error report, when anything did.
    errorReport: sum('num_failures') > 0 ? res.stderr.slice(res.stderr.indexOf('Error report'), res.stderr.indexOf('Error report') + 1500) : undefined,
  };
}

const hosts = [];
const rows = [];
for (const [run, users] of counts.entries()) {
  const row = await measure(users, run);
  rows.push(row);
  log(
    `${users} users: ${row.atSpawnedMb} MB at "All users spawned" (${row.spawnSeconds.toFixed(0)} s), ${row.answeredMb} MB when all had their response ` +
      `(${row.answeredSeconds.toFixed(0)} s), ${row.afterMb} MB ${settle} s later ` +
      `(anon ${row.anonMb}, file ${row.fileMb}), peak ${row.peakMb}, VmHWM ${row.hwmMb}; ${row.sockets} sockets open, ` +
      `${row.requests} requests, ${row.failures} failures`,
  );
  if (row.requests !== users || row.failures !== 0 || row.sockets < users) log(`WARNING: ${users} users: expected ${users} requests, no failures and a socket per user`);
}

// KB per user between consecutive counts, from the RSS after the settling time.
const slopes = rows.slice(1).map((row, i) => ({
  from: rows[i].users,
  to: row.users,
  kbPerUser: Math.round(((row.afterMb - rows[i].afterMb) * 1024 * 10) / (row.users - rows[i].users)) / 10,
}));
process.stdout.write(`${JSON.stringify({ node: process.version, fileLimitHard: hard, notMeasured: skipped, addresses: hosts, rows, slopes }, null, 2)}\n`);
