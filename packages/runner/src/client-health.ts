import type { IntervalHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * A load generator at or above this CPU (percent of one core) is the bottleneck of the interval:
 * its event loop runs late, so every timestamp it takes includes its own queueing.
 */
export const CLIENT_CPU_LIMIT = 90;
/** Event-loop lag (p99 of an interval, ms) at or above which an interval is client-limited. */
export const CLIENT_LAG_LIMIT_MS = 50;
/** The loop-delay sampling resolution (ms); Node's samples include it, so it is subtracted. */
const RESOLUTION_MS = 10;
/** A worker sends at most this many intervals in one report (a report is sent every few seconds). */
const MAX_REPORT_ROWS = 10_000;
/**
 * Intervals kept as they are (for NAME_client.json and the report); past this, only the
 * per-second and per-process summaries grow: a day of 1,000 workers is 86 million intervals.
 */
const MAX_KEPT_INTERVALS = 100_000;

/** One second (about) of one load-generating process. */
export interface ClientInterval {
  /** Unix seconds (float) at the end of the interval. */
  end: number;
  /** Its length, in seconds. */
  seconds: number;
  /** The process: `local`, or a worker's id. */
  process: string;
  /** CPU time used in the interval, in percent of one core. */
  cpu: number;
  /** Event-loop lag in the interval (how late a 10 ms timer fired), ms. */
  lagP50: number;
  lagP99: number;
  lagMax: number;
}

/** The interval's verdict: its process was at the CPU or loop-lag limit. */
export function isClientLimited(row: ClientInterval): boolean {
  return row.cpu >= CLIENT_CPU_LIMIT || row.lagP99 >= CLIENT_LAG_LIMIT_MS;
}

/** One process over the run. */
export interface ClientProcessSummary {
  process: string;
  /** Seconds sampled, and those limited. */
  seconds: number;
  limitedSeconds: number;
  maxCpu: number;
  maxLagP99: number;
  maxLag: number;
}

/** The run's client health in one line's worth of numbers. */
export interface ClientHealthSummary {
  /** Seconds of the run covered by some interval, and those where any process was limited. */
  seconds: number;
  limitedSeconds: number;
  /** The highest CPU (% of a core) and loop lag (max, ms) of any process in any interval. */
  maxCpu: number;
  maxLagMs: number;
  processes: number;
}

/**
 * The health of the load-generating processes, second by second: each process samples its own
 * CPU and event-loop lag; a master keeps its workers' intervals (each under the worker's id).
 * Latencies measured by a process whose CPU is saturated or whose loop lags include the client's
 * own queueing: the intervals where that happened are the ones `clientLimitedBetween` reports.
 */
export class ClientHealth {
  /** The intervals recorded since the last reset, in arrival order (the first MAX_KEPT_INTERVALS). */
  readonly intervals: ClientInterval[] = [];
  /** Intervals recorded but not kept in `intervals`. */
  omitted = 0;
  /** Whole seconds (Unix) some interval covered: true when some process was limited in it. */
  readonly #seconds = new Map<number, boolean>();
  readonly #processes = new Map<string, ClientProcessSummary>();
  readonly #process: () => string;
  readonly #sampling: boolean;
  /** Intervals not yet sent to the master (a worker) or written to the history file. */
  #unsent: ClientInterval[] = [];
  #unwritten: ClientInterval[] = [];
  #timer: NodeJS.Timeout | undefined;
  #loop: IntervalHistogram | undefined;
  #lastCpu = process.cpuUsage();
  #lastTime = 0;
  /** Called once, with the first limited interval (the live warning). */
  onFirstLimited: ((row: ClientInterval) => void) | undefined;
  #warned = false;

  /**
   * @param options.process the label of this process's intervals (asked at each sample: a
   *   worker learns its id once it runs)
   * @param options.sampling false on a master: it generates no load, its workers sample
   */
  constructor(options: { process: () => string; sampling: boolean }) {
    this.#process = options.process;
    this.#sampling = options.sampling;
  }

  /** Starts sampling every second (nothing on a master, or when already started). */
  start(): void {
    if (!this.#sampling || this.#timer) return;
    this.#loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#loop.enable();
    this.#lastCpu = process.cpuUsage();
    this.#lastTime = performance.now();
    this.#timer = setInterval(() => this.sample(), 1000);
    this.#timer.unref();
  }

  /** Stops sampling; the part of a second since the last sample is recorded too. */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    // A last fragment shorter than 0.2 s says little (and a timer never fired in it): dropped.
    if (performance.now() - this.#lastTime >= 200) this.sample();
    this.#loop?.disable();
    this.#loop = undefined;
  }

  /** Records the interval since the last sample (the timer calls it every second). */
  sample(): void {
    const loop = this.#loop;
    if (!loop) return;
    const now = performance.now();
    const cpu = process.cpuUsage(this.#lastCpu);
    const elapsedMs = now - this.#lastTime;
    this.#lastCpu = process.cpuUsage();
    this.#lastTime = now;
    const lag = (ns: number) => (loop.count === 0 ? 0 : Math.max(0, ns / 1e6 - RESOLUTION_MS));
    const row: ClientInterval = {
      end: Date.now() / 1000,
      seconds: elapsedMs / 1000,
      process: this.#process(),
      cpu: elapsedMs > 0 ? (100 * (cpu.user + cpu.system)) / (elapsedMs * 1000) : 0,
      lagP50: lag(loop.percentile(50)),
      lagP99: lag(loop.percentile(99)),
      lagMax: lag(loop.max),
    };
    loop.reset();
    this.add(row);
  }

  /** Adds an interval (this process's, or a worker's on a master). */
  add(row: ClientInterval): void {
    if (this.intervals.length < MAX_KEPT_INTERVALS) this.intervals.push(row);
    else this.omitted++;
    const limited = isClientLimited(row);
    // Each interval counts for the second its middle falls in (most span about one).
    const second = Math.floor(row.end - row.seconds / 2);
    this.#seconds.set(second, limited || this.#seconds.get(second) === true);
    let p = this.#processes.get(row.process);
    if (p === undefined) {
      p = { process: row.process, seconds: 0, limitedSeconds: 0, maxCpu: 0, maxLagP99: 0, maxLag: 0 };
      this.#processes.set(row.process, p);
    }
    p.seconds += row.seconds;
    if (limited) p.limitedSeconds += row.seconds;
    p.maxCpu = Math.max(p.maxCpu, row.cpu);
    p.maxLagP99 = Math.max(p.maxLagP99, row.lagP99);
    p.maxLag = Math.max(p.maxLag, row.lagMax);
    this.#unsent.push(row);
    this.#unwritten.push(row);
    if (!this.#warned && limited) {
      this.#warned = true;
      this.onFirstLimited?.(row);
    }
  }

  /** The intervals recorded since the last call (a worker's report to its master). */
  takeUnsent(): ClientInterval[] {
    const out = this.#unsent;
    this.#unsent = [];
    return out;
  }

  /** The intervals recorded since the last call (a tick of the history file). */
  takeUnwritten(): ClientInterval[] {
    const out = this.#unwritten;
    this.#unwritten = [];
    return out;
  }

  reset(): void {
    this.intervals.length = 0;
    this.omitted = 0;
    this.#seconds.clear();
    this.#processes.clear();
    this.#unsent = [];
    this.#unwritten = [];
    this.#warned = false;
  }

  /**
   * Whether any process was limited during [t0, t1] (Unix seconds), to the second: the question
   * a step of a stepped or swept run asks of its own window.
   */
  clientLimitedBetween(t0: number, t1: number): boolean {
    for (let second = Math.floor(t0); second < t1; second++) if (this.#seconds.get(second) === true) return true;
    return false;
  }

  /** Each process over the run, in the order they were first seen. */
  processes(): ClientProcessSummary[] {
    return [...this.#processes.values()];
  }

  /** The run in numbers; seconds are whole seconds of the wall clock (any process counts). */
  summary(): ClientHealthSummary {
    let limitedSeconds = 0;
    for (const limited of this.#seconds.values()) if (limited) limitedSeconds++;
    let maxCpu = 0;
    let maxLagMs = 0;
    for (const p of this.#processes.values()) {
      maxCpu = Math.max(maxCpu, p.maxCpu);
      maxLagMs = Math.max(maxLagMs, p.maxLag);
    }
    return { seconds: this.#seconds.size, limitedSeconds, maxCpu, maxLagMs, processes: this.#processes.size };
  }
}

/** Why a worker's intervals are malformed, or undefined: the master refuses a bad report. */
export function checkClientIntervals(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'not an array';
  if (value.length > MAX_REPORT_ROWS) return `more than ${MAX_REPORT_ROWS} intervals`;
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return `[${i}]: not an object`;
    const r = row as Record<string, unknown>;
    if (typeof r['process'] !== 'string' || r['process'].length === 0 || r['process'].length > 200) return `[${i}].process: not a name`;
    for (const [key, max] of [['end', 1e11], ['seconds', 3600], ['cpu', 100_000], ['lagP50', 1e9], ['lagP99', 1e9], ['lagMax', 1e9]] as const) {
      const v = r[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) return `[${i}].${key}: not a number from 0 to ${max}`;
    }
  }
  return undefined;
}
