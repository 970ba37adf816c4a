import type { Environment } from '@locusta/core';
import { addOutput, attachOutputs, describeError } from '@locusta/core';
import type { GoodputSpec } from './goodput.ts';
import { parseGoodput } from './goodput.ts';
import { LlmStats } from './llm-stats.ts';
import { llmOutput } from './llm-output.ts';
import { llamaCppOutput, llamaCppStatsOf } from './llamacpp-output.ts';
import { ollamaOutput, ollamaStatsOf } from './ollama-output.ts';
import { tokenSettingsOf } from './prompt-options.ts';

export { REPORT_KEY } from './report-key.ts';

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
 * Wires an environment's LlmStats into the run as an output family (`llmOutput`), with the
 * Ollama and llama.cpp server timings beside it (`ollamaOutput`, `llamaCppOutput`): every role
 * zeroes it when a test starts (as the runners zero the request statistics) and on
 * `resetStats`; a worker adds `llm: serialize()` to every report to its master and starts a new
 * interval; a master merges the `llm` of every worker report. Also makes the families user files
 * registered (`attachOutputs`). Calling it again for the same environment does nothing more.
 */
export function attachLlmStats(environment: Environment, options: AttachOptions): LlmStats {
  const stats = llmStatsOf(environment);
  if (attached.has(environment)) return stats;
  attached.add(environment);
  if (options.goodput !== undefined) stats.goodput = toSpec(options.goodput);
  addOutput(environment, llmOutput(stats));
  // Ollama's own timings of its answers, beside the client's (empty unless OllamaUser ran).
  addOutput(environment, ollamaOutput(ollamaStatsOf(environment), stats));
  // llama.cpp's own timings (LlamaCppUser, or OpenAIUser against llama.cpp's OpenAI routes).
  addOutput(environment, llamaCppOutput(llamaCppStatsOf(environment), stats));
  environment.events.testStart.addListener(() => {
    // The run's tokenizer and dataset are loaded before the users start (a worker gets its
    // options with the start); a failure is each request's error, with the option named.
    try {
      tokenSettingsOf(environment);
    } catch {
      // Reported by every request that needs them.
    }
    if (options.goodput !== undefined) return;
    const given: unknown = environment.parsedOptions['goodput'];
    if (given === undefined || given === null || given === '' || (Array.isArray(given) && given.length === 0)) return;
    try {
      stats.goodput = toSpec(given as string | string[]);
    } catch (err) {
      environment.logger.error(describeError(err));
    }
  });
  attachOutputs(environment, options.role);
  return stats;
}

function toSpec(goodput: GoodputSpec | string | readonly string[]): GoodputSpec {
  return typeof goodput === 'string' || Array.isArray(goodput) ? parseGoodput(goodput as string | readonly string[]) : (goodput as GoodputSpec);
}
