import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Environment } from '@locusta/core';
import { describeError, filterTasksByTags, messageOf } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';
import { WebSocket } from 'ws';
import { ArrivalExecutor } from './arrival-executor.ts';
import { EventRecorder } from './event-recorder.ts';
import type { Envelope, MasterMessage, SentWorkerMessage, SpawnData } from './protocol.ts';
import { PROTOCOL_VERSION, WORKER_REPORT_INTERVAL_MS, decodeMasterMessage, encode } from './protocol.ts';
import { openMasterSocket } from './master-socket.ts';
import { StatsWireEncoder } from './stats-wire.ts';
import type { MessageListener, Runner, RunnerState } from './runner.ts';
import { UsageMonitor } from './usage-monitor.ts';
import { UserPool } from './user-pool.ts';
import { EXCLUDED_KEY } from './excluded-report.ts';
import { UNAWAITED_KEY } from './unawaited-report.ts';
import { WORKER_LOG_INTERVAL_MS, WorkerLogs } from './worker-logs.ts';

export interface WorkerOptions {
  masterHost: string;
  masterPort: number;
  /** Shared secret the master requires (`--master-token`). */
  token?: string;
  /** Connect with `wss://`; `ca` trusts a self-signed master certificate. */
  tls?: { ca?: Buffer };
  /** Locusta's version, and a hash of the user file so the master can warn about a mismatch. */
  version: string;
  fileHash: string;
  /** Locust's WORKER_REPORT_INTERVAL (3 s). */
  reportIntervalMs?: number;
  /** Locust's HEARTBEAT_INTERVAL (1 s). */
  heartbeatIntervalMs?: number;
  /** Quit when no master has been heard from for this long (Locust's MASTER_HEARTBEAT_TIMEOUT, 60 s). */
  masterTimeoutMs?: number;
  /** Locust's WORKER_LOG_REPORT_INTERVAL (10 s). */
  logIntervalMs?: number;
}

const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** Heartbeat intervals without any message from the master before the worker calls it lost. */
const MASTER_SILENCE_HEARTBEATS = 4;

/** A worker's id: `<host>_<hex>`, the host part being what the dispatcher interleaves on. */
export function newWorkerId(): string {
  return `${hostname().split('.')[0]!.replace(/_/g, '-')}_${randomUUID().replace(/-/g, '')}`;
}

/**
 * Runs users for a master (Locust's WorkerRunner): connects over a WebSocket, applies the
 * absolute user counts of each spawn message, streams its statistics every 3 s as a delta
 * (serialize, then reset), and sends a final report before acknowledging a stop or a quit, so
 * the master's totals miss nothing. When the master goes away the users stop and the worker
 * keeps reconnecting, with backoff, until the master timeout.
 */
export class WorkerRunner implements Runner {
  readonly nodeId = newWorkerId();
  readonly environment: Environment;
  readonly stats: RequestStats;
  readonly exceptions: ExceptionStats;
  onStopTest: ((reason: string) => void) | undefined;
  readonly #opts: Required<Omit<WorkerOptions, 'token' | 'tls'>> & Pick<WorkerOptions, 'token' | 'tls'>;
  readonly #pool: UserPool;
  #arrivals: ArrivalExecutor | undefined;
  readonly #recorder: EventRecorder;
  readonly #monitor: UsageMonitor;
  readonly #messages = new Map<string, MessageListener>();
  /** Recent log lines for the master's `/logs`; the CLI feeds them (`recordLog`). */
  readonly #logs = new WorkerLogs();
  #ws: WebSocket | undefined;
  /** The string table of the current connection's reports (the master keeps its twin per connection). */
  #wire = new StatsWireEncoder();
  #state: RunnerState = 'ready';
  #index = -1;
  #lastSpawn = -Infinity;
  /** The last statistics reset of the master applied here (0: none). */
  #resetSeq = 0;
  #testRunning = false;
  #quitting = false;
  #lastHeard = Date.now();
  #backoffMs = 250;
  #timers: NodeJS.Timeout[] = [];
  #reconnectTimer: NodeJS.Timeout | undefined;
  #resolveDone!: (code: number) => void;
  readonly #done = new Promise<number>((resolve) => (this.#resolveDone = resolve));

  constructor(environment: Environment, stats: RequestStats, exceptions: ExceptionStats, options: WorkerOptions) {
    this.environment = environment;
    this.stats = stats;
    this.exceptions = exceptions;
    this.#opts = { reportIntervalMs: WORKER_REPORT_INTERVAL_MS, heartbeatIntervalMs: 1000, masterTimeoutMs: 60_000, logIntervalMs: WORKER_LOG_INTERVAL_MS, ...options };
    this.#logs.onDisabled = () => environment.logger.warn('The worker attempted to send more than 70 log lines in one interval. Further log sending was disabled for this worker.');
    this.#pool = new UserPool(environment);
    this.#pool.onStopTest = (reason) => this.onStopTest?.(reason);
    this.#recorder = new EventRecorder(environment, stats, exceptions);
    this.#monitor = new UsageMonitor(environment);
    environment.nodeId = this.nodeId;
    environment.runner = this;
    environment.stats = stats;
  }

  get state(): RunnerState {
    return this.#state;
  }

  get userCount(): number {
    return this.#pool.count;
  }

  /** Connects and works until the master says quit (or never comes back); resolves with the exit code. */
  run(): Promise<number> {
    this.#monitor.start();
    this.#timers.push(
      setInterval(() => this.#heartbeat(), this.#opts.heartbeatIntervalMs),
      setInterval(() => this.#report(), this.#opts.reportIntervalMs),
      setInterval(() => this.#sendLogs(), this.#opts.logIntervalMs),
    );
    this.#connect();
    return this.#done;
  }

  #connect(): void {
    if (this.#quitting) return;
    const ws = openMasterSocket(this.#opts);
    this.#ws = ws;
    this.#wire = new StatsWireEncoder();
    ws.on('open', () => {
      this.#backoffMs = 250;
      this.#lastHeard = Date.now();
      this.#send({
        type: 'client_ready',
        data: { protocol: PROTOCOL_VERSION, version: this.#opts.version, host: hostname(), fileHash: this.#opts.fileHash },
      });
    });
    ws.on('message', (frame: Buffer) => {
      let msg;
      try {
        msg = decodeMasterMessage(frame);
      } catch (err) {
        this.environment.logger.error(`Bad message from master: ${messageOf(err)}`);
        return;
      }
      this.#lastHeard = Date.now();
      void this.#handle(msg).catch((err: unknown) => this.environment.logger.error(`Handling '${msg.type}' failed: ${describeError(err)}`));
    });
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 401) {
        this.environment.logger.error('The master refused this worker: wrong or missing --master-token');
        this.#finish(1);
      }
      ws.terminate();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      // A certificate the worker cannot trust will not get better by retrying.
      if (err.code && CERTIFICATE_ERRORS.test(err.code)) {
        this.environment.logger.error(`The master's TLS certificate is not trusted (${err.code}): pass its CA with --master-tls-ca`);
        this.#finish(1);
      }
      // Otherwise 'close' follows and the reconnect happens there.
    });
    ws.on('close', () => {
      if (this.#ws === ws) this.#ws = undefined;
      if (this.#quitting) return;
      void this.#lostMaster();
    });
  }

  async #lostMaster(): Promise<void> {
    if (this.#testRunning) {
      this.environment.logger.warn('Lost the connection to the master: stopping users and reconnecting');
      await this.#stopTest(true);
    }
    if (Date.now() - this.#lastHeard > this.#opts.masterTimeoutMs) {
      this.environment.logger.error(`No master for ${Math.round(this.#opts.masterTimeoutMs / 1000)} s, quitting`);
      this.#finish(1);
      return;
    }
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#backoffMs);
    this.#backoffMs = Math.min(this.#backoffMs * 2, 5000);
  }

  async #handle(msg: Envelope<MasterMessage>): Promise<void> {
    switch (msg.type) {
      case 'ack':
        this.#index = msg.data.index;
        this.environment.logger.info(`Connected to the master as worker ${this.#index} (${this.nodeId})`);
        return;
      case 'refuse':
        this.environment.logger.error(`The master refused this worker: ${msg.data.reason}`);
        this.#finish(1);
        return;
      case 'spawn':
        await this.#spawn(msg.data);
        return;
      case 'spawning_complete':
        this.environment.events.spawningComplete.fire({ userCount: msg.data.userCount });
        return;
      case 'stop':
        await this.#stopTest(false);
        this.#sendLogs();
        this.#send({ type: 'client_stopped', data: null });
        return;
      case 'reset':
        this.#reset(msg.data.seq);
        return;
      case 'quit':
        this.environment.logger.info('The master asked this worker to quit');
        await this.#stopTest(false);
        this.#sendLogs();
        this.#send({ type: 'quit', data: null });
        this.#finish(0);
        return;
      case 'heartbeat':
        this.environment.events.heartbeatReceived.fire({ clientId: this.nodeId, timestamp: Date.now() / 1000 });
        return;
      case 'custom': {
        const listener = this.#messages.get(msg.data.type);
        if (listener) listener({ type: msg.data.type, data: msg.data.data, nodeId: msg.nodeId });
        else this.environment.logger.warn(`Unknown message type received: ${msg.data.type}`);
        return;
      }
      case 'user_files':
        return; // only for the fetch of `-f -`, on its own connection
      default:
        // A message type added to the protocol and not handled here does not compile.
        return msg satisfies never;
    }
  }

  async #spawn(data: SpawnData): Promise<void> {
    this.#send({ type: 'spawning', data: null });
    if (data.timestamp <= this.#lastSpawn) return; // a stale spawn, overtaken by a newer one
    this.#lastSpawn = data.timestamp;
    const env = this.environment;
    env.host = data.host ?? undefined;
    env.stopTimeout = data.stopTimeout;
    // The master's options, custom ones included, win over the worker's own command line.
    env.parsedOptions = { ...env.parsedOptions, ...data.parsedOptions };
    // Every spawn carries the window as offsets from its sending, so a worker that joins late
    // still ends its warm-up and starts its cool-down when the master's do.
    if (data.window) env.measurement.set(data.window, !this.#testRunning);
    if (!this.#testRunning) {
      this.#testRunning = true;
      this.stats.reset();
      this.exceptions.reset();
      env.tags = data.parsedOptions['tags'] as string[] | undefined;
      env.excludeTags = data.parsedOptions['excludeTags'] as string[] | undefined;
      filterTasksByTags(env.userClasses, env.tags, env.excludeTags);
      this.#recorder.attach();
      await env.events.testStart.fireAsync({ environment: env });
    }
    this.#state = 'spawning';
    if (data.arrivals) {
      this.#arrivals ??= new ArrivalExecutor(this.#pool, this.stats.schedule, env.userClasses);
      this.#arrivals.start(data.arrivals);
    } else if (this.#arrivals) {
      this.#arrivals.stop();
      this.#arrivals = undefined;
    }
    const unknown = this.#pool.apply(data.userClassesCount);
    if (unknown.length > 0) {
      env.logger.warn(`The master asked for User classes this worker's file does not have: ${unknown.join(', ')}`);
    }
    this.#state = 'running';
    this.#send({ type: 'spawning_complete', data: { userClassesCount: this.#pool.classesCount(), userCount: this.#pool.count } });
  }

  /** Stops the users; unless the master is gone, the last interval's statistics go out first. */
  async #stopTest(masterGone: boolean): Promise<void> {
    if (!this.#testRunning) return;
    const env = this.environment;
    this.#state = 'stopping';
    await env.events.testStopping.fireAsync({ environment: env });
    this.#arrivals?.stop();
    this.#arrivals = undefined;
    // Without a master nobody waits for these users' last requests: kill them at once.
    await this.#pool.stopAll(masterGone);
    this.#recorder.detach();
    this.#testRunning = false;
    this.#lastSpawn = -Infinity;
    if (masterGone) {
      // A new master starts a new test: what this one did not receive is not carried over.
      this.stats.reset();
      this.exceptions.reset();
    } else {
      this.#report();
    }
    this.#state = 'ready';
    await env.events.testStop.fireAsync({ environment: env });
  }

  #heartbeat(): void {
    // The master answers every heartbeat. Silence for a few intervals means the link is gone
    // even if no TCP close arrived (a cut cable): drop the socket so the users stop and the
    // reconnect loop starts.
    const silentMs = Date.now() - this.#lastHeard;
    if (this.#ws && this.#ws.readyState === WebSocket.OPEN && silentMs > MASTER_SILENCE_HEARTBEATS * this.#opts.heartbeatIntervalMs) {
      this.environment.logger.warn(`No word from the master for ${(silentMs / 1000).toFixed(1)} s: reconnecting`);
      this.#ws.terminate();
      return;
    }
    if (silentMs > this.#opts.masterTimeoutMs && !this.#quitting) {
      this.environment.logger.error(`Didn't get heartbeat from master in over ${Math.round(this.#opts.masterTimeoutMs / 1000)}s, quitting`);
      void this.#stopTest(true).then(() => this.#finish(1));
      return;
    }
    this.#send({ type: 'heartbeat', data: { state: this.#state, cpu: this.#monitor.cpuUsage, memory: process.memoryUsage.rss() } });
  }

  /** A log line of this process, for the master's `/logs`. */
  recordLog(line: string): void {
    this.#logs.push(line);
  }

  /** Sends the log lines when new ones came (every interval, and before a stop or quit is acknowledged). */
  #sendLogs(): void {
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return;
    const lines = this.#logs.take();
    if (lines) this.#send({ type: 'logs', data: { lines } });
  }

  /**
   * The master reset its statistics: requests started before now are left out when they end,
   * and what was not reported yet (requests that ended before the reset) is dropped, the output
   * families' parts included; the reports from now on say they come after this reset.
   */
  #reset(seq: number): void {
    if (seq <= this.#resetSeq) return;
    this.#resetSeq = seq;
    this.environment.measurement.resetAt();
    this.stats.reset();
    this.exceptions.reset();
    this.environment.events.resetStats.fire();
  }

  /** Sends the statistics gathered since the last report, then starts a new interval. */
  #report(): void {
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return;
    const custom: Record<string, unknown> = {};
    this.environment.events.reportToMaster.fire({ clientId: this.nodeId, data: custom });
    const unawaited = this.environment.unawaitedRequests.takeDelta();
    if (unawaited) custom[UNAWAITED_KEY] = unawaited;
    const excluded = this.environment.measurement.takeDelta();
    if (excluded) custom[EXCLUDED_KEY] = excluded;
    this.#send({
      type: 'stats',
      data: {
        stats: this.#wire.encode(this.stats.serialize()),
        exceptions: this.exceptions.serialize(),
        userCount: this.#pool.count,
        userClassesCount: this.#pool.classesCount(),
        custom,
        reset: this.#resetSeq,
      },
    });
    this.stats.reset();
    this.exceptions.reset();
  }

  #send(msg: SentWorkerMessage): void {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(encode({ ...msg, nodeId: this.nodeId }));
  }

  #finish(code: number): void {
    if (this.#quitting) return;
    this.#quitting = true;
    for (const t of this.#timers) clearInterval(t);
    clearTimeout(this.#reconnectTimer);
    this.#monitor.stop();
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.close(1000, 'quit');
    this.#resolveDone(code);
  }

  async stop(): Promise<void> {
    await this.#stopTest(false);
  }

  async quit(): Promise<void> {
    await this.#stopTest(false);
    this.#send({ type: 'quit', data: null });
    this.#finish(0);
  }

  registerMessage(type: string, listener: MessageListener): void {
    if (this.#messages.has(type)) throw new Error(`Tried to register listener method for ${type}, but it already had a listener!`);
    this.#messages.set(type, listener);
  }

  sendMessage(type: string, data?: unknown): void {
    this.#send({ type: 'custom', data: { type, data } });
  }
}
