import type { Environment, OutputExtension } from '@locusta/core';
import type { LlmStats } from './llm-stats.ts';
import type { OllamaFinal } from './ollama-chunks.ts';
import type { ServerTimingsFamily } from './server-timings-output.ts';
import { percentileColumn, serverTimingsOf, serverTimingsOutput } from './server-timings-output.ts';
import type { ServerField, ServerTimingsStats } from './server-timings.ts';

/** A duration of Ollama's last object (ns), in ms. */
const duration = (id: string, key: keyof OllamaFinal): ServerField<OllamaFinal> => ({
  id,
  read: (f) => {
    const ns = f[key];
    return typeof ns === 'number' ? ns / 1e6 : undefined;
  },
  scale: 1000,
});

/**
 * The timings Ollama reports for its answers (`load_duration`, `prompt_eval_duration`,
 * `eval_duration`, `total_duration`), each beside the client's TTFT and E2E of the same entry:
 * PREFIX_ollama.csv, `locusta_ollama_server_seconds` on `/metrics`, NAME_ollama.json.
 */
export const OLLAMA_FAMILY: ServerTimingsFamily<OllamaFinal> = {
  key: 'ollama',
  fields: [duration('load', 'load_duration'), duration('promptEval', 'prompt_eval_duration'), duration('eval', 'eval_duration'), duration('total', 'total_duration')],
  consoleTitle: 'Ollama server timings (ms, as the server reports them; client TTFT and E2E beside)',
  webTitle: 'Ollama server',
  columns: [
    percentileColumn('load', 0.5, 'load', 'ms'),
    percentileColumn('promptEval', 0.5, 'prompt eval', 'ms'),
    percentileColumn('promptEval', 0.95, 'prompt eval', 'ms'),
    percentileColumn('eval', 0.5, 'eval', 'ms'),
    percentileColumn('eval', 0.95, 'eval', 'ms'),
    percentileColumn('total', 0.5, 'total', 'ms'),
    percentileColumn('total', 0.95, 'total', 'ms'),
    percentileColumn('total', 0.99, 'total', 'ms'),
  ],
  prometheus: {
    name: 'locusta_ollama_server_seconds',
    help: "Ollama's own timings of its answers (load, prompt_eval, eval, total).",
    phases: [['load', 'load'], ['promptEval', 'prompt_eval'], ['eval', 'eval'], ['total', 'total']],
  },
};

/** The server-side timings of an environment's Ollama answers, created on first use. */
export function ollamaStatsOf(environment: Environment): ServerTimingsStats<OllamaFinal> {
  return serverTimingsOf(OLLAMA_FAMILY, environment);
}

/** Ollama's timings as an output family (see serverTimingsOutput). */
export function ollamaOutput(stats: ServerTimingsStats<OllamaFinal>, llm: LlmStats): OutputExtension {
  return serverTimingsOutput(OLLAMA_FAMILY, stats, llm);
}
