import type { Environment, OutputExtension } from '@locusta/core';
import type { LlamaCppFinal, LlamaCppTimings } from './llamacpp-chunks.ts';
import type { LlmStats } from './llm-stats.ts';
import type { ServerTimingsFamily } from './server-timings-output.ts';
import { percentileColumn, serverTimingsOf, serverTimingsOutput, sumColumn } from './server-timings-output.ts';
import type { ServerField, ServerTimingsStats } from './server-timings.ts';

const MS = 1000;
const RATE = 1000;
const COUNT = 1;

const timing = (id: string, key: keyof LlamaCppTimings, scale: number): ServerField<LlamaCppFinal> => ({ id, read: (f) => f.timings?.[key], scale });
const final = (id: string, key: 'tokens_evaluated' | 'tokens_cached', scale: number): ServerField<LlamaCppFinal> => ({ id, read: (f) => f[key], scale });

/**
 * The `timings` llama.cpp's server reports for its answers (prompt processing and generation:
 * tokens, ms, tokens/s) and the answer's `tokens_evaluated` and `tokens_cached`, each beside the
 * client's TTFT and E2E of the same entry: PREFIX_llamacpp.csv, `locusta_llamacpp_server_seconds`
 * on `/metrics`, NAME_llamacpp.json. Only answers whose last chunk carried `timings` count.
 */
const LLAMACPP_FAMILY: ServerTimingsFamily<LlamaCppFinal> = {
  key: 'llamacpp',
  fields: [
    timing('promptN', 'prompt_n', COUNT),
    timing('promptMs', 'prompt_ms', MS),
    timing('promptPerSecond', 'prompt_per_second', RATE),
    timing('predictedN', 'predicted_n', COUNT),
    timing('predictedMs', 'predicted_ms', MS),
    timing('predictedPerSecond', 'predicted_per_second', RATE),
    final('tokensEvaluated', 'tokens_evaluated', COUNT),
    final('tokensCached', 'tokens_cached', COUNT),
  ],
  consoleTitle: 'llama.cpp server timings (as the server reports them; client TTFT and E2E beside)',
  webTitle: 'llama.cpp server',
  columns: [
    sumColumn('promptN', 'Server prompt tokens', 'prompt n'),
    percentileColumn('promptMs', 0.5, 'prompt', 'ms'),
    percentileColumn('promptMs', 0.95, 'prompt', 'ms'),
    percentileColumn('promptPerSecond', 0.5, 'prompt', 'tok/s'),
    sumColumn('predictedN', 'Server predicted tokens', 'predicted n'),
    percentileColumn('predictedMs', 0.5, 'predicted', 'ms'),
    percentileColumn('predictedMs', 0.95, 'predicted', 'ms'),
    percentileColumn('predictedPerSecond', 0.5, 'predicted', 'tok/s'),
    sumColumn('tokensEvaluated', 'Server tokens evaluated', 'evaluated'),
    percentileColumn('tokensCached', 0.5, 'tokens cached', 'tokens'),
  ],
  prometheus: {
    name: 'locusta_llamacpp_server_seconds',
    help: "llama.cpp's own timings of its answers (prompt processing, generation).",
    phases: [['promptMs', 'prompt'], ['predictedMs', 'predicted']],
  },
};

/** The server-side timings of an environment's llama.cpp answers, created on first use. */
export function llamaCppStatsOf(environment: Environment): ServerTimingsStats<LlamaCppFinal> {
  return serverTimingsOf(LLAMACPP_FAMILY, environment);
}

/** llama.cpp's timings as an output family (see serverTimingsOutput). */
export function llamaCppOutput(stats: ServerTimingsStats<LlamaCppFinal>, llm: LlmStats): OutputExtension {
  return serverTimingsOutput(LLAMACPP_FAMILY, stats, llm);
}
