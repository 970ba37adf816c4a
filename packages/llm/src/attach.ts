import type { Environment } from '@locusta/core';
import { describeError } from '@locusta/core';
import type { GoodputSpec } from './goodput.ts';
import { parseGoodput } from './goodput.ts';
import type { LlmStatsData } from './llm-stats.ts';
import { LlmStats } from './llm-stats.ts';
import { checkLlmReport } from './llm-report-check.ts';

/** The key a worker's report carries its LlmStats under. */
export const REPORT_KEY = 'llm';

// One LlmStats per Environment: users reach it through their environment, and an in-process
// master and workers (tests) keep theirs apart. A WeakMap lets a finished run's stats go. The
// maps live under global symbols (as core's `events` does) so that a second copy of this
// package, bundled into a user file, still records into the stats the CLI reports.
const globals = globalThis as Record<symbol, unknown>;
const registry = (globals[Symbol.for('locusta.llm.stats')] ??= new WeakMap<Environment, LlmStats>()) as WeakMap<Environment, LlmStats>;
const attached = (globals[Symbol.for('locusta.llm.attached')] ??= new WeakSet<Environment>()) as WeakSet<Environment>;

/** The LlmStats of an environment, created on first use. */
export function llmStatsOf(environment: Environment): LlmStats {
  let stats = registry.get(environment);
  if (stats === undefined) {
    stats = new LlmStats();
    registry.set(environment, stats);
  }
  return stats;
}

export interface AttachOptions {
  /** `local` and `master` keep what they get; a `worker` sends its samples with each report. */
  role: 'local' | 'master' | 'worker';
  /**
   * Goodput bounds (or `--goodput` text). When absent, `environment.parsedOptions.goodput` is
   * read at each test start, so a worker uses the bounds of the options its master sent.
   */
  goodput?: GoodputSpec | string | readonly string[];
}

/**
 * Wires an environment's LlmStats into the run. Every role: zeroed when a test starts (as the
 * runners zero the request statistics) and on `resetStats`. A worker adds `llm: serialize()`
 * to every report to its master and starts a new interval; a master merges the `llm` of every
 * worker report. Calling it again for the same environment does nothing more.
 */
export function attachLlmStats(environment: Environment, options: AttachOptions): LlmStats {
  const stats = llmStatsOf(environment);
  if (attached.has(environment)) return stats;
  attached.add(environment);
  const events = environment.events;
  if (options.goodput !== undefined) stats.goodput = toSpec(options.goodput);

  events.testStart.addListener(() => {
    stats.reset();
    if (options.goodput !== undefined) return;
    const given: unknown = environment.parsedOptions['goodput'];
    if (given === undefined || given === null || given === '' || (Array.isArray(given) && given.length === 0)) return;
    try {
      stats.goodput = toSpec(given as string | string[]);
    } catch (err) {
      environment.logger.error(describeError(err));
    }
  });
  events.resetStats.addListener(() => stats.reset());

  if (options.role === 'worker') {
    events.reportToMaster.addListener(({ data }) => {
      if (stats.total.requests === 0) return;
      data[REPORT_KEY] = stats.serialize();
      stats.reset();
    });
  } else if (options.role === 'master') {
    // The master's runner refuses a report whose LLM part is invalid before merging any of it.
    const runner = environment.runner as { registerReportCheck?(key: string, check: (value: unknown) => string | undefined): void } | undefined;
    runner?.registerReportCheck?.(REPORT_KEY, checkLlmReport);
    events.workerReport.addListener(({ data }) => {
      const report = reportOf(data);
      if (report !== undefined) stats.merge(report);
    });
  }
  return stats;
}

/**
 * The LlmStats a worker report carries. The master's `workerReport` gives the whole report,
 * in which the keys `reportToMaster` listeners added sit under `custom`; the top level is also
 * looked at, for a runner that passes those keys alone.
 */
function reportOf(data: Record<string, unknown>): LlmStatsData | undefined {
  const custom = data['custom'];
  const value = isObject(custom) && REPORT_KEY in custom ? custom[REPORT_KEY] : data[REPORT_KEY];
  if (!isObject(value) || !Array.isArray(value['entries']) || !isObject(value['total'])) return undefined;
  return value as unknown as LlmStatsData;
}

function toSpec(goodput: GoodputSpec | string | readonly string[]): GoodputSpec {
  return typeof goodput === 'string' || Array.isArray(goodput) ? parseGoodput(goodput as string | readonly string[]) : (goodput as GoodputSpec);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
