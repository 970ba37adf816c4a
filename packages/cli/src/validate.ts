import { MAX_USERS, hostProblem, messageOf, parseTimespan } from '@locusta/core';
import type { ArrivalPlan } from '@locusta/runner';
import type { Slo } from '@locusta/stats';
import { parseSlos } from '@locusta/stats';
import { parseRateStages } from '@locusta/runner';
import { usageError } from './errors.ts';
import type { LocustaOptions } from './options.ts';

interface SweepSettings {
  rates: number;
  time: number;
  /** Undefined: the default, which depends on the mode (see SweepRunner). */
  drain: number | undefined;
  spacing: Pick<ArrivalPlan, 'spacing' | 'burstiness' | 'seed'>;
}

/** The run settings, checked; each bad value is a one-line usage error. */
export interface RunSettings {
  users: number;
  spawnRate: number;
  runTime: number | undefined;
  stopTimeout: number;
  host: string | undefined;
  /** Arrival-rate mode (`--arrival-rate`): `users` is then the most users the arrivals may use. */
  arrivals?: ArrivalPlan;
  /** Saturation search (`--step-users`, `--step-time`). */
  steps?: { users: number; time: number; settle: number; continueAfterFail: boolean };
  /** Rate sweep (`--sweep`): interior rates, seconds per point, drain after each, and the arrivals' spacing. */
  sweep?: SweepSettings;
  /** `--warmup` and `--cooldown` in seconds; unset or 0 for none. */
  warmup?: number;
  cooldown?: number;
  /** `--warmup Nreq`: the first N requests by start order; unset or 0 for none. */
  warmupRequests?: number;
  /** `--slo` expressions, and the time from the start before a failure may abort the run. */
  slos?: Slo[];
  sloGrace?: number;
}

function timespan(value: unknown, flag: string): number {
  try {
    return parseTimespan(String(value));
  } catch (err) {
    throw usageError(`argument ${flag}: ${messageOf(err)}`);
  }
}

export function checkHost(host: string, flag = '-H/--host'): string {
  const problem = hostProblem(host);
  if (problem) throw usageError(`argument ${flag}: ${problem}`);
  return host.replace(/\/+$/, '');
}

export function validateOptions(o: LocustaOptions): RunSettings {
  if (o.csvFullHistory && !o.csv) throw usageError("'--csv-full-history' requires '--csv'.");
  if (o.master && o.worker) throw usageError('--master and --worker cannot be combined');
  if (o.master && !(o.expectWorkers >= 1)) throw usageError(`argument --expect-workers: must be >= 1, got '${String(o.expectWorkers)}'`);
  if (o.processes !== undefined && o.master) throw usageError('--processes cannot be combined with --master');
  // -u and -r have no default in the table: unset, the UI's form is empty; a headless run takes 1.
  const users = o.users ?? 1;
  if (!Number.isInteger(users) || users < 0) {
    throw usageError(`argument -u/--users: invalid value '${String(o.users)}': must be a whole number >= 0`);
  }
  if (users > MAX_USERS) {
    throw usageError(`argument -u/--users: invalid value '${String(o.users)}': at most ${MAX_USERS} users can be started`);
  }
  const spawnRate = o.spawnRate ?? 1;
  if (!(spawnRate > 0) || !Number.isFinite(spawnRate)) {
    throw usageError(`argument -r/--spawn-rate: invalid value '${String(o.spawnRate)}': must be a number > 0`);
  }
  const givenRunTime = o.runTime === undefined || o.runTime === '' ? undefined : timespan(o.runTime, '-t/--run-time');
  // As in Locust, -t 0 means no limit (a LOCUST_RUN_TIME=0 in a deployment keeps its meaning).
  const runTime = givenRunTime === 0 ? undefined : givenRunTime;
  const stopTimeout = timespan(o.stopTimeout, '-s/--stop-timeout');
  const { warmup, cooldown, warmupRequests } = measurementWindow(o, runTime);
  const host = typeof o.host === 'string' && o.host !== '' ? checkHost(o.host) : undefined;
  const level = String(o.loglevel).toUpperCase();
  if (!['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL'].includes(level)) {
    throw usageError(`argument -L/--loglevel: invalid choice '${String(o.loglevel)}' (choose from DEBUG, INFO, WARNING, ERROR, CRITICAL)`);
  }
  const slos = sloList(o.slo);
  const sloGrace = timespan(o.sloGrace, '--slo-grace');
  const arrivals = arrivalPlan(o);
  const steps = stepPlan(o, users);
  if (!arrivals && o.burstiness !== undefined && o.sweep === undefined) {
    throw usageError('argument --burstiness: needs --arrival-rate, --arrival-stages or --sweep: it spaces the arrivals of an open workload');
  }
  if (arrivals && steps) throw usageError('--arrival-rate and --step-users cannot be combined: steps add users, arrivals set a rate');
  const sweep = sweepPlan(o, users);
  if (sweep && arrivals) throw usageError('--sweep cannot be combined with --arrival-rate or --arrival-stages: the sweep sets the rates');
  if (sweep && steps) throw usageError('--sweep cannot be combined with --step-users: one search per run');
  return {
    users: arrivals && o.users === undefined ? defaultArrivalUsers(arrivals) : users,
    spawnRate,
    runTime,
    stopTimeout,
    host,
    arrivals,
    steps,
    sweep,
    slos,
    sloGrace,
    warmup,
    cooldown,
    warmupRequests,
  };
}

/**
 * `--warmup` and `--cooldown`: time spans, judged against the run time, since a window that
 * leaves nothing to measure would end in an empty summary that looks like a server that never answered.
 */
function measurementWindow(o: LocustaOptions, runTime: number | undefined): { warmup: number; cooldown: number; warmupRequests: number } {
  const warmupRequests = requestCount(o.warmup);
  const warmup = warmupRequests === undefined ? timespan(o.warmup, '--warmup') : 0;
  const cooldown = timespan(o.cooldown, '--cooldown');
  if (cooldown > 0 && runTime === undefined) {
    throw usageError(`argument --cooldown: '${String(o.cooldown)}' needs -t/--run-time: the cool-down is counted back from the end of a timed run`);
  }
  if (runTime !== undefined && warmup + cooldown >= runTime) {
    const what = cooldown > 0 ? `--warmup '${String(o.warmup)}' plus --cooldown '${String(o.cooldown)}'` : `--warmup '${String(o.warmup)}'`;
    throw usageError(`argument --warmup: ${what} is not shorter than -t/--run-time '${String(o.runTime)}': no request would be measured`);
  }
  return { warmup, cooldown, warmupRequests: warmupRequests ?? 0 };
}

/**
 * `--warmup 200req`: a count of requests, told from a time span by its suffix (a bare number is
 * seconds, as in Locust's time spans). Undefined for a value without the suffix.
 */
function requestCount(value: unknown): number | undefined {
  const text = String(value).trim();
  const m = /^(.*?)\s*req$/i.exec(text);
  if (m === null) return undefined;
  const n = Number(m[1]);
  if (m[1] === '' || !Number.isSafeInteger(n) || n < 0 || !/^\d+$/.test(m[1]!)) {
    throw usageError(`argument --warmup: '${text}' is not a count of requests (a whole number followed by req, e.g. 200req)`);
  }
  return n;
}

function sloList(texts: readonly string[] | undefined): Slo[] {
  try {
    return (texts ?? []).flatMap((t) => parseSlos(t));
  } catch (err) {
    throw usageError(`argument --slo: ${messageOf(err)}`);
  }
}

function arrivalPlan(o: LocustaOptions): ArrivalPlan | undefined {
  if (o.arrivalRate === undefined && !o.arrivalStages) return undefined;
  const rate = o.arrivalRate ?? 0;
  if (!(rate >= 0) || !Number.isFinite(rate)) {
    throw usageError(`argument --arrival-rate: invalid value '${String(o.arrivalRate)}': must be a number >= 0`);
  }
  let stages: ArrivalPlan['stages'] = [];
  if (o.arrivalStages) {
    try {
      stages = parseRateStages(String(o.arrivalStages));
    } catch (err) {
      throw usageError(`argument --arrival-stages: ${messageOf(err)}`);
    }
  }
  if (rate === 0 && stages.every((st) => st.rate === 0)) throw usageError('argument --arrival-rate: the rate must be > 0 at some point');
  return { rate, stages, ...arrivalSpacing(o) };
}

/** `--arrival-spacing`, `--burstiness` and `--seed`: how arrivals are spaced, for a plan or a sweep. */
function arrivalSpacing(o: LocustaOptions): Pick<ArrivalPlan, 'spacing' | 'burstiness' | 'seed'> {
  const given = o.arrivalSpacing === undefined ? undefined : String(o.arrivalSpacing);
  if (given !== undefined && given !== 'even' && given !== 'poisson') {
    throw usageError(`argument --arrival-spacing: invalid choice '${given}' (choose from even, poisson)`);
  }
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw usageError(`argument --seed: invalid value '${String(o.seed)}': must be a whole number`);
  if (o.burstiness === undefined) return { spacing: given ?? 'even', seed };
  const burstiness = o.burstiness;
  if (!(burstiness > 0) || !Number.isFinite(burstiness)) {
    throw usageError(`argument --burstiness: invalid value '${String(o.burstiness)}': must be a number > 0 (1 is Poisson)`);
  }
  // One knob for one thing: --burstiness is the spacing (gamma); a second spacing would contradict it.
  if (given !== undefined) throw usageError(`argument --burstiness: cannot be combined with --arrival-spacing ${given}: --burstiness sets gamma spacing (--burstiness 1 is Poisson)`);
  return { spacing: 'gamma', burstiness, seed };
}

/** Without -u, arrivals may use enough users for tasks of up to 10 s at the peak rate. */
function defaultArrivalUsers(plan: ArrivalPlan): number {
  const peak = Math.max(plan.rate, ...plan.stages.map((st) => st.rate));
  return Math.max(10, Math.ceil(peak * 10));
}

function stepPlan(o: LocustaOptions, users: number): RunSettings['steps'] {
  if (o.stepUsers === undefined && o.stepTime === undefined) return undefined;
  if (o.stepUsers === undefined) throw usageError('--step-time needs --step-users, the users each step adds (e.g. 10)');
  const stepUsers = Number(o.stepUsers);
  if (!Number.isInteger(stepUsers) || stepUsers < 1) {
    throw usageError(`argument --step-users: invalid value '${String(o.stepUsers)}': must be a whole number >= 1`);
  }
  if (o.stepTime === undefined) throw usageError('--step-users needs --step-time, the length of each step (e.g. 30s)');
  const time = timespan(o.stepTime, '--step-time');
  if (!(time > 0)) throw usageError('argument --step-time: must be longer than 0 s');
  const settle = o.stepSettle === undefined ? time / 4 : timespan(o.stepSettle, '--step-settle');
  if (settle >= time) throw usageError('argument --step-settle: must be shorter than --step-time');
  if (o.users === undefined || users < stepUsers) throw usageError('--step-users needs -u, the most users to step up to (at least one step)');
  if (!o.slo || o.slo.length === 0) throw usageError('--step-users needs --slo to judge each step, e.g. --slo p99<1000');
  return { users: stepUsers, time, settle, continueAfterFail: o.stepContinue };
}

function sweepPlan(o: LocustaOptions, users: number): SweepSettings | undefined {
  if (o.sweep === undefined) {
    if (o.sweepDrain !== undefined) throw usageError('--sweep-drain needs --sweep, the number of rates to sweep (e.g. 4)');
    return undefined;
  }
  const rates = Number(o.sweep);
  if (!Number.isInteger(rates) || rates < 1 || rates > 100) {
    throw usageError(`argument --sweep: invalid value '${String(o.sweep)}': must be a whole number from 1 to 100 (the rates between the synchronous and the throughput point)`);
  }
  const time = timespan(o.sweepTime, '--sweep-time');
  if (!(time > 0)) throw usageError(`argument --sweep-time: invalid value '${String(o.sweepTime)}': must be longer than 0 s`);
  const drain = o.sweepDrain === undefined ? undefined : timespan(o.sweepDrain, '--sweep-drain');
  if (o.users === undefined || users < 2) {
    throw usageError('--sweep needs -u of at least 2: the concurrency of the throughput point, and the most users of each rate point');
  }
  return { rates, time, drain, spacing: arrivalSpacing(o) };
}
