// Simulated Locusta workers for bench/master-capacity.mjs: W WebSocket clients in one process that
// speak the real wire protocol (packages/runner's encode/decodeMasterMessage) to a master.
//   node bench/clients/sim-workers.mjs --port P --workers W --file-hash H --warmup 5 --duration 20
// Each worker sends client_ready, answers spawn with spawning + spawning_complete, sends a
// heartbeat every 1 s and a stats report every 3 s; the heartbeats and reports of all workers
// are spread evenly over their intervals (one global schedule, so the offered rate is exact).
// A report is one of a few precomputed variants, each a real RequestStats.serialize() of 50
// entries with a few hundred log-normal response times, its unix seconds shifted to "now" and
// encoded per send (per worker nodeId). On 'stop' a worker sends a final report and
// client_stopped; on 'quit' it answers quit and closes. Prints JSON lines on stdout:
//   {"event":"joined"...}, {"event":"spawned"...}, {"event":"window"...}, {"event":"done"...}
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    workers: { type: 'string', default: '100' },
    'file-hash': { type: 'string', default: '' },
    'user-class': { type: 'string', default: 'TightUser' },
    warmup: { type: 'string', default: '5' },
    duration: { type: 'string', default: '20' },
    entries: { type: 'string', default: '50' },
    variants: { type: 'string', default: '8' },
    'report-ms': { type: 'string', default: '3000' },
    'heartbeat-ms': { type: 'string', default: '1000' },
    'connect-batch': { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.port) throw new Error('--port is required');

const RUNNER = new URL('../../packages/runner/', import.meta.url);
const STATS = new URL('../../packages/stats/', import.meta.url);
const { encode, decodeMasterMessage, PROTOCOL_VERSION, StatsWireEncoder, newWorkerId } = await import(new URL('dist/index.js', RUNNER).href);
const { RequestStats, ExceptionStats } = await import(new URL('dist/index.js', STATS).href);
// ws belongs to packages/runner; use the copy it resolves.
const require = createRequire(new URL('package.json', RUNNER));
const { default: WebSocket } = await import(pathToFileURL(require.resolve('ws')).href);

const W = Number(values.workers);
const WARMUP_MS = Number(values.warmup) * 1000;
const DURATION_MS = Number(values.duration) * 1000;
const REPORT_MS = Number(values['report-ms']);
const HEARTBEAT_MS = Number(values['heartbeat-ms']);
const USER_CLASS = values['user-class'];
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const now = () => Date.now() / 1000;

// ---- Report variants -------------------------------------------------------------------------

// The mock server's seeded generator (mulberry32), so report variants are the same every run.
const { createRng: mulberry32 } = await import(new URL('../../packages/mock-openai/dist/index.js', import.meta.url).href);

const BASE_SECOND = 1_700_000_000; // variants span [BASE, BASE + 3); shifted to the send time
const ERRORS = [
  (n) => `HTTPError('500 Server Error: Internal Server Error for url: ${n}')`,
  () => "ConnectionResetError(104, 'Connection reset by peer')",
];

/** One worker's 3 s of statistics: entries with 200-400 log-normal samples each, ~2 % failures on every fifth. */
function buildVariant(seed, entries) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let clock = BASE_SECOND;
  const stats = new RequestStats({ clock: () => clock });
  stats.reset();
  const span = REPORT_MS / 1000;
  let requests = 0;
  let failures = 0;
  for (let i = 0; i < entries; i++) {
    const method = i % 10 < 7 ? 'GET' : 'POST';
    const name = `/api/v1/resource-${String(i).padStart(2, '0')}${method === 'GET' ? '/{id}' : ''}`;
    const n = 200 + Math.floor(rand() * 200);
    const mu = Math.log(15 + 300 * ((i * 37) % entries) / entries); // medians 15..315 ms
    for (let k = 0; k < n; k++) {
      clock = BASE_SECOND + (span * (k + rand())) / n;
      const rt = Math.exp(mu + 0.6 * gauss());
      stats.logRequest(method, name, rt, 200 + Math.floor(rand() * 4000));
      requests++;
      if (i % 5 === 0 && rand() < 0.02) {
        stats.logError(method, name, ERRORS[k % 2](name));
        failures++;
      }
    }
  }
  clock = BASE_SECOND + span;
  const snapshot = stats.serialize();
  return { snapshot, exceptions: new ExceptionStats().serialize(), requests, failures };
}

const variants = [];
for (let v = 0; v < Number(values.variants); v++) variants.push(buildVariant(Number(values.seed) * 1000 + v, Number(values.entries)));

const shiftPairs = (pairs, d) => pairs.map(([t, n]) => [t + d, n]);
function shiftEntry(e, d) {
  return {
    ...e,
    startTime: e.startTime + d,
    lastRequestTimestamp: e.lastRequestTimestamp === null ? null : e.lastRequestTimestamp + d,
    numReqsPerSec: shiftPairs(e.numReqsPerSec, d),
    numFailPerSec: shiftPairs(e.numFailPerSec, d),
  };
}

/** The stats frame of `variant` for worker `w`, covering the last 3 s before now, in the compact form WorkerRunner sends (the worker's string table). */
function statsFrame(variant, w) {
  const { snapshot, exceptions } = variant;
  const d = Math.floor(now()) - Math.ceil(REPORT_MS / 1000) - BASE_SECOND;
  const stats = {
    entries: snapshot.entries.map((e) => shiftEntry(e, d)),
    total: shiftEntry(snapshot.total, d),
    errors: snapshot.errors.map((e) => ({ ...e, firstSeen: e.firstSeen + d, lastSeen: e.lastSeen + d })),
  };
  return encode({
    type: 'stats',
    data: { stats: w.wire.encode(stats), exceptions, userCount: 1, userClassesCount: { [USER_CLASS]: 1 }, custom: {} },
    nodeId: w.id,
  });
}

// ---- Workers ---------------------------------------------------------------------------------

const workers = [];
let joined = 0;
let spawnedAll = 0; // workers that got the master's spawning_complete
let closed = 0;
let t0 = 0; // schedule origin (performance.now ms)
let joinedAt;
let spawnedAt;
let windowFrom; // performance.now ms
let windowTo;
const win = { reports: 0, bytes: 0, sizes: [], rtts: [], heartbeats: 0, maxLagMs: 0, maxBuffered: 0, cpu0: null, cpu1: null };
const totals = { reports: 0, requests: 0, failures: 0, finalReports: 0, unexpectedCloses: 0, refused: [] };

function inWindow(t) {
  return windowFrom !== undefined && t >= windowFrom && t < windowTo;
}

function send(w, msg) {
  if (w.ws.readyState === WebSocket.OPEN) w.ws.send(encode({ ...msg, nodeId: w.id }));
}

function sendReport(w, t) {
  const variant = variants[w.nextVariant++ % variants.length];
  const frame = statsFrame(variant, w);
  if (w.ws.readyState !== WebSocket.OPEN) return;
  w.ws.send(frame);
  totals.reports++;
  totals.requests += variant.requests;
  totals.failures += variant.failures;
  if (inWindow(t)) {
    win.reports++;
    win.bytes += frame.length;
    win.sizes.push(frame.length);
  }
}

function onMessage(w, frame) {
  const msg = decodeMasterMessage(frame);
  switch (msg.type) {
    case 'ack':
      w.joined = true;
      if (++joined === W) {
        joinedAt = performance.now();
        out({ event: 'joined', t: now(), seconds: (joinedAt - startedAt) / 1000 });
      }
      return;
    case 'refuse':
      totals.refused.push(msg.data.reason);
      return;
    case 'spawn': {
      send(w, { type: 'spawning', data: null });
      const counts = msg.data.userClassesCount;
      const userCount = Object.values(counts).reduce((a, b) => a + b, 0);
      w.running = true;
      w.state = 'running';
      send(w, { type: 'spawning_complete', data: { userClassesCount: counts, userCount } });
      return;
    }
    case 'spawning_complete':
      if (!w.spawnDone && ++spawnedAll === W) {
        w.spawnDone = true;
        spawnedAt = performance.now();
        windowFrom = spawnedAt + WARMUP_MS;
        windowTo = windowFrom + DURATION_MS;
        out({ event: 'spawned', t: now() });
        setTimeout(startWindow, windowFrom - performance.now());
        setTimeout(endWindow, windowTo - performance.now());
      }
      w.spawnDone = true;
      return;
    case 'heartbeat': {
      const sent = w.heartbeatsOut.shift();
      const t = performance.now();
      if (sent !== undefined && inWindow(sent)) win.rtts.push(t - sent);
      return;
    }
    case 'stop':
      if (w.running) {
        w.running = false;
        sendReport(w, performance.now());
        totals.finalReports++;
      }
      w.state = 'ready';
      send(w, { type: 'client_stopped', data: null });
      return;
    case 'quit':
      // As WorkerRunner: a worker that was not stopped yet stops first, then says quit and closes.
      w.quitting = true;
      send(w, { type: 'quit', data: null });
      w.ws.close(1000, 'quit');
      return;
    default:
      return;
  }
}

function connect(w) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${values.host}:${values.port}/`, { maxPayload: 16 * 1024 * 1024, handshakeTimeout: 30_000 });
    w.ws = ws;
    // A new connection, a new string table (the master starts its twin with the connection).
    w.wire = new StatsWireEncoder();
    ws.on('open', () => {
      send(w, { type: 'client_ready', data: { protocol: PROTOCOL_VERSION, version: 'bench', host: 'bench', fileHash: values['file-hash'] } });
      resolve();
    });
    ws.on('message', (frame) => onMessage(w, frame));
    ws.on('error', (err) => {
      process.stderr.write(`worker ${w.index}: ${err.message}\n`);
      resolve();
    });
    ws.on('close', () => {
      if (!w.quitting) totals.unexpectedCloses++;
      if (++closed === W) finish();
    });
  });
}

// One schedule for all: the k-th heartbeat overall belongs to worker k % W and is due at
// t0 + k * HEARTBEAT_MS / W; the same for reports. A 5 ms tick sends whatever is due (and
// catches up if the process fell behind; the lag is recorded).
let hbCursor = 0;
let reportCursor = 0;
function tick() {
  const t = performance.now();
  const hbStep = HEARTBEAT_MS / W;
  while (t0 + hbCursor * hbStep <= t) {
    const due = t0 + hbCursor * hbStep;
    const w = workers[hbCursor % W];
    hbCursor++;
    if (!w.joined || w.ws.readyState !== WebSocket.OPEN) continue;
    if (inWindow(t)) {
      win.maxLagMs = Math.max(win.maxLagMs, t - due);
      win.heartbeats++;
    }
    w.heartbeatsOut.push(t);
    send(w, { type: 'heartbeat', data: { state: w.state, cpu: 5, memory: 80_000_000 } });
  }
  const repStep = REPORT_MS / W;
  while (t0 + reportCursor * repStep <= t) {
    const due = t0 + reportCursor * repStep;
    const w = workers[reportCursor % W];
    reportCursor++;
    if (!w.running) continue;
    if (inWindow(t)) win.maxLagMs = Math.max(win.maxLagMs, t - due);
    sendReport(w, t);
  }
}

function bufferedTotal() {
  let n = 0;
  for (const w of workers) n += w.ws?.bufferedAmount ?? 0;
  return n;
}

function startWindow() {
  win.cpu0 = process.cpuUsage();
}

function endWindow() {
  win.cpu1 = process.cpuUsage(win.cpu0);
  const sizes = win.sizes.sort((a, b) => a - b);
  const rtts = win.rtts.sort((a, b) => a - b);
  const q = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : null);
  const seconds = (windowTo - windowFrom) / 1000;
  const toUnix = (p) => (Date.now() - (performance.now() - p)) / 1000;
  out({
    event: 'window',
    from: toUnix(windowFrom),
    to: toUnix(windowTo),
    seconds,
    reports: win.reports,
    reportsPerSec: win.reports / seconds,
    bytesPerSec: win.bytes / seconds,
    reportBytes: { min: sizes[0], median: q(sizes, 0.5), max: sizes[sizes.length - 1], n: sizes.length },
    heartbeats: win.heartbeats,
    heartbeatRttMs: { p50: q(rtts, 0.5), p90: q(rtts, 0.9), p99: q(rtts, 0.99), max: rtts[rtts.length - 1] ?? null, n: rtts.length },
    maxScheduleLagMs: win.maxLagMs,
    maxBufferedBytes: win.maxBuffered,
    generatorCpu: (win.cpu1.user + win.cpu1.system) / 1e6 / seconds,
  });
}

function finish() {
  clearInterval(ticker);
  clearInterval(bufferSampler);
  out({ event: 'done', ...totals, variantsRequests: variants.map((v) => v.requests) });
  process.exit(0);
}

const startedAt = performance.now();
for (let i = 0; i < W; i++) {
  workers.push({ index: i, id: newWorkerId(), ws: undefined, joined: false, running: false, spawnDone: false, state: 'ready', quitting: false, heartbeatsOut: [], nextVariant: i });
}
t0 = performance.now();
const ticker = setInterval(tick, 5);
const bufferSampler = setInterval(() => {
  if (inWindow(performance.now())) win.maxBuffered = Math.max(win.maxBuffered, bufferedTotal());
}, 250);
const batch = Number(values['connect-batch']);
for (let i = 0; i < W; i += batch) {
  await Promise.all(workers.slice(i, i + batch).map(connect));
}
process.on('SIGTERM', () => {
  out({ event: 'done', ...totals, killed: true });
  process.exit(1);
});
