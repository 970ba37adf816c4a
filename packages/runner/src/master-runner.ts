import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createHttpsServer } from 'node:https';
import type { Environment, ExcludedCounts, UnawaitedDelta, UserClass } from '@locusta/core';
import { describeError, filterTasksByTags, messageOf } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { ArrivalPlan } from './arrival-schedule.ts';
import { describePlan } from './describe-plan.ts';
import { pyJson } from './py-json.ts';
import type { Envelope, MasterMessage, SpawnData, UserFileData, WorkerMessage } from './protocol.ts';
import { StatsWireDecoder } from './stats-wire.ts';
import { FROM_MASTER, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ProtocolError, WORKER_REPORT_INTERVAL_MS, decodeWorkerMessage, encode } from './protocol.ts';
import type { MessageListener, Runner, RunnerState } from './runner.ts';
import { ACTIVE_WORKER_STATES } from './runner.ts';
import { CPU_WARNING_THRESHOLD } from './usage-monitor.ts';
import { UsersDispatcher } from './users-dispatcher.ts';
import type { LostWorker, WorkerNode } from './worker-node.ts';
import { HEARTBEAT_LIVENESS } from './worker-node.ts';
import { EXCLUDED_KEY, checkExcluded } from './excluded-report.ts';
import { UNAWAITED_KEY, checkUnawaited } from './unawaited-report.ts';

export interface MasterOptions {
  bindHost: string;
  bindPort: number;
  token?: string;
  fileHash: string;
  /** Serve `wss://` with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** The user files for workers started with `-f -`. */
  userFiles?: () => Promise<UserFileData[]>;
  /** Let workers running another user file join (with a warning) instead of refusing them. */
  allowMismatchedUserFiles?: boolean;
  /** Time a stopping master waits for the workers' last reports, beyond the stop timeout. */
  stopGraceMs?: number;
  heartbeatIntervalMs?: number;
  /** How often the workers report their statistics (what a lost worker loses at most). */
  reportIntervalMs?: number;
}

/**
 * Coordinates workers (Locust's MasterRunner): dispatches users to them with the same
 * dispatcher as a local run, merges their statistics exactly, watches their heartbeats, moves
 * the users of a lost worker to the others, and on stop waits for every worker's final report.
 */
export class MasterRunner implements Runner {
  readonly environment: Environment;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  readonly workers = new Map<string, WorkerNode>();
  /** Each worker's recent log lines, as it last sent them (Locust's `environment.worker_logs`), for `/logs`. */
  readonly workerLogs = new Map<string, string[]>();
  readonly lostWorkers: LostWorker[] = [];
  /** Workers refused at client_ready (another user file, another protocol version), for the summary. */
  readonly refusedWorkers: Array<{ id: string; peer: string; reason: string; mismatchedFile: boolean }> = [];
  /** Whether any worker was ever accepted. */
  everJoined = false;
  /** Called when the test must end without the CLI asking: the last worker is gone. */
  onStopTest: ((reason: string) => void) | undefined;
  readonly #opts: Required<Omit<MasterOptions, 'token' | 'userFiles' | 'tls' | 'allowMismatchedUserFiles'>> &
    Pick<MasterOptions, 'token' | 'userFiles' | 'tls' | 'allowMismatchedUserFiles'>;
  /** The `address:port` of each worker connection, for log lines. */
  readonly #peers = new WeakMap<WebSocket, string>();
  #server: WebSocketServer | undefined;
  #https: HttpsServer | undefined;
  #state: RunnerState = 'ready';
  #dispatcher: UsersDispatcher | undefined;
  #target = 0;
  #spawnRate = 1;
  #rampToken = 0;
  #lastSpawnTs = 0;
  /** Statistics resets sent to the workers so far. */
  #resetSeq = 0;
  /** Arrival-rate mode: the plan, the users it may use, and when its schedule started. */
  #arrivals: { plan: ArrivalPlan; maxUsers: number; startedAt: number } | undefined;
  #nextIndex = 0;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #changeWaiters: Array<() => void> = [];
  readonly #messages = new Map<string, MessageListener>();
  /** Checks of the keys `reportToMaster` listeners add to reports (`custom`), by key. */
  readonly #reportChecks = new Map<string, (value: unknown) => string | undefined>();

  constructor(environment: Environment, stats: RequestStats, exceptions: ExceptionStats, options: MasterOptions) {
    this.environment = environment;
    this.stats = stats;
    this.exceptions = exceptions;
    this.#opts = { stopGraceMs: 10_000, heartbeatIntervalMs: 1000, reportIntervalMs: WORKER_REPORT_INTERVAL_MS, ...options };
    environment.runner = this;
    environment.stats = stats;
    environment.nodeId = 'master';
    this.registerReportCheck(UNAWAITED_KEY, checkUnawaited);
    this.registerReportCheck(EXCLUDED_KEY, checkExcluded);
    // A reset (--reset-stats, the web UI) reaches the workers: they judge their requests in
    // flight by it, and drop what they have not reported.
    environment.events.resetStats.addListener(() => this.#resetWorkers());
  }

  #resetWorkers(): void {
    const seq = ++this.#resetSeq;
    for (const worker of this.activeWorkers()) {
      worker.resetSent = seq;
      this.#send(worker, { type: 'reset', data: { seq } });
    }
  }

  get state(): RunnerState {
    return this.#state;
  }

  get userCount(): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.state !== 'missing') n += w.userCount;
    return n;
  }

  get targetUserCount(): number {
    return this.#target;
  }

  /** Workers that can take users. */
  activeWorkers(): WorkerNode[] {
    return [...this.workers.values()].filter((w) => ACTIVE_WORKER_STATES.has(w.state));
  }

  userClassesCount(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of [...this.environment.userClasses].map((u) => u.name).sort()) out[c] = 0;
    for (const w of this.workers.values()) {
      if (w.state === 'missing') continue;
      for (const [c, n] of Object.entries(w.userClassesCount)) out[c] = (out[c] ?? 0) + n;
    }
    return out;
  }

  /** Starts listening for workers; resolves with the bound port. */
  listen(): Promise<number> {
    const { bindHost, bindPort, token, tls } = this.#opts;
    const host = bindHost === '*' || bindHost === '' ? undefined : bindHost;
    const verifyClient = token
      ? (info: { req: IncomingMessage }) => {
          if (tokenMatches(info.req.headers.authorization, token)) return true;
          this.environment.logger.warn(`Refused a worker connection from ${peerOf(info.req)}: wrong or missing --master-token`);
          return false;
        }
      : undefined;
    // With TLS the WebSocket server rides on an HTTPS server; otherwise ws opens its own port.
    const https = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : undefined;
    const server = https
      ? new WebSocketServer({ server: https, maxPayload: MAX_MESSAGE_BYTES, verifyClient })
      : new WebSocketServer({ host, port: bindPort, maxPayload: MAX_MESSAGE_BYTES, verifyClient });
    this.#server = server;
    this.#https = https;
    server.on('connection', (ws, req) => this.#accept(ws, req));
    this.#heartbeatTimer = setInterval(() => this.#checkHeartbeats(), this.#opts.heartbeatIntervalMs);
    const listener = https ?? server;
    return new Promise((resolve, reject) => {
      listener.once('listening', () => {
        const addr = listener.address();
        resolve(typeof addr === 'object' && addr ? addr.port : bindPort);
      });
      listener.once('error', reject);
      https?.listen(bindPort, host);
    });
  }

  /** Resolves once `count` workers are connected, or false after `maxWaitMs` (0: forever). */
  async waitForWorkers(count: number, maxWaitMs: number, onProgress?: (connected: number) => void): Promise<boolean> {
    const deadline = maxWaitMs > 0 ? Date.now() + maxWaitMs : Infinity;
    let last = -1;
    while (this.activeWorkers().length < count) {
      const n = this.activeWorkers().length;
      if (n !== last) onProgress?.(n);
      last = n;
      if (Date.now() >= deadline) return false;
      await this.#nextChange(Math.min(1000, deadline - Date.now()));
    }
    return true;
  }

  #nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#changeWaiters.push(done);
    });
  }

  #changed(): void {
    const waiters = this.#changeWaiters;
    this.#changeWaiters = [];
    for (const w of waiters) w();
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const peer = peerOf(req);
    this.#peers.set(ws, peer);
    let nodeId: string | undefined;
    // Once a frame was refused, nothing more from that connection is read, whatever is in flight.
    let refused = false;
    // The string table of this connection's compact reports; a reconnect starts a new one.
    const wire = new StatsWireDecoder();
    const who = () => (nodeId ? `the connection of worker ${nodeId} (${peer})` : `a worker connection (${peer})`);
    ws.on('message', (frame: Buffer) => {
      if (refused) return;
      let msg: Envelope<WorkerMessage>;
      try {
        msg = decodeWorkerMessage(frame, wire);
        if (nodeId !== undefined && msg.nodeId !== nodeId) throw new ProtocolError(`message for another worker id '${msg.nodeId.slice(0, 80)}'`);
        if (nodeId === undefined && msg.type !== 'client_ready' && msg.type !== 'user_files_request') {
          throw new ProtocolError(`'${msg.type}' before client_ready`);
        }
        if (msg.type === 'stats') this.#checkCustom(msg.data.custom);
      } catch (err) {
        refused = true;
        this.environment.logger.warn(`Closing ${who()}: ${messageOf(err)}`);
        ws.close(1008, 'protocol error');
        return;
      }
      if (msg.type === 'user_files_request') {
        void this.#sendUserFiles(ws);
        return;
      }
      if (msg.type === 'client_ready') nodeId = msg.nodeId;
      try {
        this.#handle(ws, msg);
      } catch (err) {
        this.environment.logger.error(`Handling '${msg.type}' from ${msg.nodeId} failed: ${describeError(err)}`);
      }
    });
    ws.on('error', (err) => {
      // An oversized or broken frame ends up here; 'close' follows and does the bookkeeping.
      refused = true;
      this.environment.logger.warn(`Closing ${who()}: ${err.message}`);
    });
    ws.on('close', () => {
      const worker = nodeId ? this.workers.get(nodeId) : undefined;
      if (worker && worker.ws === ws) {
        worker.ws = undefined;
        if (worker.state !== 'missing') this.#markMissing(worker, 'its connection closed');
      }
    });
  }

  /** Runs the registered checks on a report's extra keys; throws ProtocolError. */
  #checkCustom(custom: Record<string, unknown>): void {
    for (const [key, check] of this.#reportChecks) {
      if (!Object.hasOwn(custom, key)) continue;
      const why = check(custom[key]);
      // A wire-schema check's reason starts with its own `.field`; a family's is a bare path.
      if (why !== undefined) throw new ProtocolError(`malformed 'stats' message: custom.${key}${why.startsWith('.') || why.startsWith('[') ? '' : '.'}${why}`);
    }
  }

  /**
   * Validates what a `reportToMaster` listener adds under `key` before any of a report is merged:
   * a report whose value fails (`check` returns the reason) is refused like any malformed frame.
   */
  registerReportCheck(key: string, check: (value: unknown) => string | undefined): void {
    this.#reportChecks.set(key, check);
  }

  async #sendUserFiles(ws: WebSocket): Promise<void> {
    let data: { files: UserFileData[] } | { error: string };
    try {
      if (!this.#opts.userFiles) throw new Error('this master has no user files to share');
      data = { files: await this.#opts.userFiles() };
    } catch (err) {
      data = { error: messageOf(err) };
    }
    if (ws.readyState === ws.OPEN) ws.send(encode<MasterMessage>({ type: 'user_files', data, nodeId: 'master' }));
    this.environment.logger.info('Sent the user files to a worker started with -f -');
  }

  #handle(ws: WebSocket, msg: Envelope<WorkerMessage>): void {
    const worker = this.workers.get(msg.nodeId);
    switch (msg.type) {
      case 'client_ready':
        this.#ready(ws, msg.nodeId, msg.data);
        return;
      case 'heartbeat': {
        if (!worker) return;
        worker.heartbeat = HEARTBEAT_LIVENESS;
        worker.cpu = msg.data.cpu;
        worker.memory = msg.data.memory;
        if (worker.state === 'missing') {
          this.environment.logger.info(`Worker ${worker.id} is back`);
          this.#join(worker);
        }
        if (msg.data.state !== 'missing') worker.state = msg.data.state;
        if (worker.cpu > CPU_WARNING_THRESHOLD && !worker.cpuWarned) {
          worker.cpuWarned = true;
          this.environment.logger.warn(`Worker ${worker.id} exceeded cpu threshold (will only log this once per worker)`);
        }
        // The answer is the same frame every time: encoded once (a master answers thousands a second).
        if (worker.ws && worker.ws.readyState === worker.ws.OPEN) worker.ws.send(HEARTBEAT_FRAME);
        const sent = this.environment.events.heartbeatSent;
        if (sent.listenerCount > 0) sent.fire({ clientId: worker.id, timestamp: Date.now() / 1000 });
        return;
      }
      case 'stats':
        if (!worker) return; // a report from a worker the master does not know is discarded, as Locust
        // What was left out or not awaited happened, reset or not: always counted.
        if (msg.data.custom[UNAWAITED_KEY] !== undefined) this.environment.unawaitedRequests.merge(msg.data.custom[UNAWAITED_KEY] as UnawaitedDelta);
        if (msg.data.custom[EXCLUDED_KEY] !== undefined) this.environment.measurement.merge(msg.data.custom[EXCLUDED_KEY] as ExcludedCounts);
        worker.userCount = msg.data.userCount;
        worker.userClassesCount = msg.data.userClassesCount;
        // Made before the worker applied the last reset: its figures are of before the reset.
        if ((msg.data.reset ?? 0) < worker.resetSent) {
          this.#changed();
          return;
        }
        this.stats.merge(msg.data.stats);
        this.exceptions.merge(msg.data.exceptions);
        this.environment.events.workerReport.fire({ clientId: worker.id, data: msg.data as unknown as Record<string, unknown> });
        this.#changed();
        return;
      case 'spawning':
        if (worker && worker.state !== 'missing') worker.state = 'spawning';
        return;
      case 'spawning_complete':
        if (!worker) return;
        if (worker.state !== 'missing') worker.state = 'running';
        worker.userCount = msg.data.userCount;
        worker.userClassesCount = msg.data.userClassesCount;
        this.#changed();
        return;
      case 'client_stopped':
        if (!worker) return;
        worker.state = 'ready';
        worker.userCount = 0;
        worker.userClassesCount = {};
        this.#changed();
        return;
      case 'quit':
        if (!worker) return;
        this.workers.delete(worker.id);
        this.#dispatcher?.removeWorker(worker.id);
        this.environment.logger.info(`Worker ${worker.id} quit`);
        this.#changed();
        this.#afterLoss(worker, 'quit');
        return;
      case 'custom': {
        const listener = this.#messages.get(msg.data.type);
        if (listener) listener({ type: msg.data.type, data: msg.data.data, nodeId: msg.nodeId });
        else this.environment.logger.warn(`Unknown message type received from worker ${msg.nodeId}: ${msg.data.type}`);
        return;
      }
      case 'logs':
        if (worker) this.workerLogs.set(worker.id, msg.data.lines);
        return;
      case 'user_files_request':
        return; // answered in #accept, before any client_ready
      default:
        // A message type added to the protocol and not handled here does not compile.
        return msg satisfies never;
    }
  }

  #ready(ws: WebSocket, id: string, data: { protocol: number; version: string; host: string; fileHash: string }): void {
    const log = this.environment.logger;
    const peer = this.#peers.get(ws) ?? 'unknown';
    const refuse = (reason: string, mismatchedFile: boolean) => {
      log.error(`Refusing worker ${id} (${peer}): ${reason}`);
      this.refusedWorkers.push({ id, peer, reason, mismatchedFile });
      ws.send(encode<MasterMessage>({ type: 'refuse', data: { reason }, nodeId: 'master' }));
      ws.close(1008, mismatchedFile ? 'user file' : 'protocol version');
    };
    if (data.protocol !== PROTOCOL_VERSION) {
      refuse(`protocol version ${data.protocol} (locusta ${data.version}) does not match the master's ${PROTOCOL_VERSION}`, false);
      return;
    }
    if (data.fileHash !== FROM_MASTER && data.fileHash !== this.#opts.fileHash) {
      const hashes = `hash ${data.fileHash.slice(0, 12)} vs ${this.#opts.fileHash.slice(0, 12)}`;
      if (!this.#opts.allowMismatchedUserFiles) {
        refuse(
          `it runs a different user file than the master (${hashes}): start it with the master's file, or with -f - to receive it, or start the master with --allow-mismatched-user-files`,
          true,
        );
        return;
      }
      log.warn(`Worker ${id} runs a different user file than the master (${hashes})`);
    }
    this.everJoined = true;
    let worker = this.workers.get(id);
    if (worker) {
      if (worker.ws && worker.ws !== ws) worker.ws.terminate();
      worker.ws = ws;
      worker.heartbeat = HEARTBEAT_LIVENESS;
      if (worker.state === 'missing') log.info(`Worker ${id} reconnected`);
      // Another process may have taken the id: it has applied no reset yet.
      worker.resetSent = 0;
    } else {
      worker = {
        id,
        index: this.#nextIndex++,
        ws,
        state: 'ready',
        heartbeat: HEARTBEAT_LIVENESS,
        cpu: 0,
        memory: 0,
        userCount: 0,
        userClassesCount: {},
        cpuWarned: false,
        host: data.host,
        resetSent: 0,
      };
      this.workers.set(id, worker);
      log.info(`Worker ${id} (index ${worker.index}) reported as ready. ${this.activeWorkers().length} workers connected.`);
    }
    const wasMissing = worker.state === 'missing';
    worker.state = 'ready';
    worker.userCount = 0;
    worker.userClassesCount = {};
    this.#send(worker, { type: 'ack', data: { index: worker.index } });
    this.environment.events.workerConnect.fire({ clientId: id });
    if (!wasMissing || this.#dispatcher) this.#join(worker);
    this.#changed();
  }

  /** A worker joins (or rejoins) a running test: the users are rebalanced over all workers. */
  #join(worker: WorkerNode): void {
    if (worker.state === 'missing') worker.state = 'ready';
    if (this.#state !== 'running' && this.#state !== 'spawning') return;
    if (this.#arrivals) {
      this.#sendArrivalShares();
      return;
    }
    this.#dispatcher?.addWorker(worker.id);
    if (this.#state === 'running') void this.start(this.#target, this.#spawnRate);
  }

  #checkHeartbeats(): void {
    for (const worker of this.workers.values()) {
      if (worker.state === 'missing') continue;
      worker.heartbeat--;
      if (worker.heartbeat < 0) this.#markMissing(worker, `no heartbeat for ${HEARTBEAT_LIVENESS + 1} s`);
    }
  }

  #markMissing(worker: WorkerNode, reason: string): void {
    worker.state = 'missing';
    worker.userCount = 0;
    worker.userClassesCount = {};
    const lost: LostWorker = { id: worker.id, at: Date.now() / 1000, reason };
    this.lostWorkers.push(lost);
    this.environment.logger.warn(
      `Worker ${worker.id} is missing (${reason}); what it had not reported yet (at most its last ${this.#opts.reportIntervalMs / 1000} s) is lost`,
    );
    this.#dispatcher?.removeWorker(worker.id);
    this.#changed();
    this.#afterLoss(worker, 'went missing');
  }

  #afterLoss(_worker: WorkerNode, how: string): void {
    if (this.#state !== 'running' && this.#state !== 'spawning') return;
    if (this.activeWorkers().length === 0) {
      const reason = `The last worker ${how}, stopping test.`;
      this.environment.logger.error(reason);
      this.onStopTest?.(reason);
      return;
    }
    if (this.#arrivals) this.#sendArrivalShares();
    else if (this.#state === 'running') void this.start(this.#target, this.#spawnRate);
  }

  /**
   * Ramps to `userCount` users over the workers. The first start of a test resets the stats and
   * fires testStart. Each dispatch step sends every worker its absolute user counts.
   */
  async start(userCount: number, spawnRate: number, userClasses?: UserClass[]): Promise<void> {
    const env = this.environment;
    const workers = this.activeWorkers();
    if (workers.length === 0) {
      env.logger.warn("You can't start a distributed test before at least one worker process has connected");
      return;
    }
    await this.#beginTest();
    if (spawnRate / workers.length > 100) {
      env.logger.warn('Your selected spawn rate is very high (>100/worker), and this is known to sometimes cause issues. Do you really need to ramp up that fast?');
    }
    const classes = userClasses ?? env.userClasses;
    this.#dispatcher ??= new UsersDispatcher(workers.map((w) => w.id), classes);
    this.#dispatcher.newDispatch(userCount, spawnRate, classes);
    this.#target = userCount;
    this.#spawnRate = spawnRate;
    this.#state = 'spawning';
    env.logger.info(`Sending spawn jobs of ${userCount} users at ${spawnRate.toFixed(2)} spawn rate to ${workers.length} ready workers`);
    const token = ++this.#rampToken;
    for (let step = this.#dispatcher.next(); step; step = this.#dispatcher.next()) {
      if ('wait' in step) await new Promise((resolve) => setTimeout(resolve, step.wait * 1000));
      else this.#sendSpawns(step.users);
      if (token !== this.#rampToken) return;
    }
    // Locust waits up to 1 s for the workers to report the new counts.
    const until = Date.now() + 1000;
    while (this.userCount !== userCount && Date.now() < until) await this.#nextChange(until - Date.now());
    if (token !== this.#rampToken || this.#state !== 'spawning') return;
    this.#state = 'running';
    env.events.spawningComplete.fire({ userCount: this.userCount });
    for (const w of this.activeWorkers()) this.#send(w, { type: 'spawning_complete', data: { userCount: this.userCount } });
    env.logger.info(`All users spawned: ${pyJson(this.userClassesCount())} (${this.userCount} total users)`);
  }

  /** The first start of a test: fresh statistics, tag filters applied, testStart fired. */
  async #beginTest(): Promise<void> {
    if (this.#state === 'running' || this.#state === 'spawning') return;
    const env = this.environment;
    this.stats.reset();
    this.exceptions.reset();
    env.measurement.start();
    filterTasksByTags(env.userClasses, env.tags, env.excludeTags);
    await env.events.testStart.fireAsync({ environment: env });
  }

  /**
   * The open workload model over the workers: each worker takes every n-th arrival of the one
   * global schedule (so the shares add up to the plan exactly) and up to its share of
   * `maxUsers`. A worker joining or lost re-splits the rest of the schedule.
   */
  async startArrivals(plan: ArrivalPlan, maxUsers: number): Promise<void> {
    const env = this.environment;
    if (this.activeWorkers().length === 0) {
      env.logger.warn("You can't start a distributed test before at least one worker process has connected");
      return;
    }
    await this.#beginTest();
    this.#rampToken++;
    this.#dispatcher = undefined;
    this.#target = maxUsers;
    this.#arrivals = { plan, maxUsers, startedAt: this.#arrivals?.startedAt ?? performance.now() };
    this.#state = 'running';
    this.#sendArrivalShares();
    env.logger.info(`Starting iterations at ${describePlan(plan)}, with up to ${maxUsers} users over ${this.activeWorkers().length} workers`);
  }

  #sendArrivalShares(): void {
    const arrivals = this.#arrivals;
    if (!arrivals) return;
    const workers = this.activeWorkers().sort((a, b) => a.index - b.index);
    const n = workers.length;
    const elapsed = (performance.now() - arrivals.startedAt) / 1000;
    const timestamp = this.#nextSpawnTimestamp();
    workers.forEach((worker, k) => {
      const maxUsers = Math.floor(arrivals.maxUsers / n) + (k < arrivals.maxUsers % n ? 1 : 0);
      const base = this.#spawnBase(timestamp, {}, this.environment.measurement.shareOf(k, n));
      this.#send(worker, { type: 'spawn', data: { ...base, arrivals: { plan: arrivals.plan, index: k, count: n, maxUsers, elapsed } } });
    });
  }

  /** Strictly increasing, so a worker can drop spawn messages that arrive out of date. */
  #nextSpawnTimestamp(): number {
    const timestamp = Math.max(Date.now() / 1000, this.#lastSpawnTs + 1e-6);
    this.#lastSpawnTs = timestamp;
    return timestamp;
  }

  /** `warmupShare`: the worker's part of a counted warm-up, which it takes when its test starts. */
  #spawnBase(timestamp: number, counts: Record<string, number>, warmupShare: number): SpawnData {
    const env = this.environment;
    return {
      timestamp,
      userClassesCount: counts,
      host: env.host ?? null,
      stopTimeout: env.stopTimeout,
      parsedOptions: plainOptions(env.parsedOptions),
      window: { ...env.measurement.offsets(), warmupRequests: warmupShare },
    };
  }

  #sendSpawns(distribution: Record<string, Record<string, number>>): void {
    const timestamp = this.#nextSpawnTimestamp();
    // A counted warm-up is split over the workers that run users, in the order they joined.
    const running = Object.entries(distribution)
      .filter(([, counts]) => Object.values(counts).some((n) => n > 0))
      .map(([id]) => this.workers.get(id)?.index ?? 0)
      .sort((a, b) => a - b);
    for (const [id, counts] of Object.entries(distribution)) {
      const worker = this.workers.get(id);
      if (!worker || worker.state === 'missing') continue;
      const k = running.indexOf(worker.index);
      const share = k < 0 ? 0 : this.environment.measurement.shareOf(k, running.length);
      this.#send(worker, { type: 'spawn', data: this.#spawnBase(timestamp, counts, share) });
    }
  }

  /**
   * Stops the test on every worker and waits (bounded) until each has sent its final report and
   * confirmed, so the statistics are complete.
   */
  async stop(): Promise<void> {
    if (this.#state === 'ready' || this.#state === 'stopped' || this.#state === 'stopping') return;
    const env = this.environment;
    await env.events.testStopping.fireAsync({ environment: env });
    this.#state = 'stopping';
    this.#rampToken++;
    this.#dispatcher = undefined;
    this.#arrivals = undefined;
    const stopping = this.activeWorkers();
    for (const w of stopping) this.#send(w, { type: 'stop', data: null });
    const until = Date.now() + env.stopTimeout * 1000 + this.#opts.stopGraceMs;
    const pending = () => stopping.filter((w) => w.state !== 'ready' && w.state !== 'missing' && this.workers.has(w.id));
    while (pending().length > 0 && Date.now() < until) await this.#nextChange(until - Date.now());
    for (const w of pending()) env.logger.warn(`Worker ${w.id} did not confirm the stop in time; its last report may be missing`);
    this.#state = 'stopped';
    await env.events.testStop.fireAsync({ environment: env });
  }

  /** Stops the test, tells every worker to quit, and closes the server. */
  async quit(): Promise<void> {
    await this.stop();
    const connected = [...this.workers.values()].filter((w) => w.ws);
    for (const w of connected) this.#send(w, { type: 'quit', data: null });
    const until = Date.now() + 3000;
    // Each worker that quits is a change: a look at all of them per change (not one per worker and
    // change) keeps the wait of a master of thousands of workers linear in them.
    const waiting = () => connected.some((w) => w.ws && this.workers.get(w.id) === w);
    while (waiting() && Date.now() < until) await this.#nextChange(until - Date.now());
    this.close();
  }

  close(): void {
    clearInterval(this.#heartbeatTimer);
    for (const w of this.workers.values()) w.ws?.terminate();
    this.#server?.close();
    this.#https?.close();
  }

  #send(worker: WorkerNode, msg: MasterMessage): void {
    const ws = worker.ws;
    if (ws && ws.readyState === ws.OPEN) ws.send(encode({ ...msg, nodeId: 'master' }));
  }

  registerMessage(type: string, listener: MessageListener): void {
    if (this.#messages.has(type)) throw new Error(`Tried to register listener method for ${type}, but it already had a listener!`);
    this.#messages.set(type, listener);
  }

  /** Sends a custom message to one worker, or to all. */
  sendMessage(type: string, data?: unknown, clientId?: string): void {
    for (const w of this.workers.values()) {
      if (clientId === undefined || w.id === clientId) this.#send(w, { type: 'custom', data: { type, data } });
    }
  }
}

/** The master's answer to a heartbeat. */
const HEARTBEAT_FRAME = encode<MasterMessage>({ type: 'heartbeat', data: null, nodeId: 'master' });

/** `address:port` of a connection's peer, for log lines. */
function peerOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return `${address.includes(':') ? `[${address}]` : address}:${req.socket.remotePort ?? '?'}`;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Options as plain data for the wire (functions and undefined dropped). */
function plainOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k] = v;
  }
  return out;
}
