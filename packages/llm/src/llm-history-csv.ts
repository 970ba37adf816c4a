import { csvRow } from '@locusta/stats';
import type { LlmStats } from './llm-stats.ts';

/**
 * The header of PREFIX_llm_history.csv. Timestamp is the unix second of the row; Requests/s,
 * Shed/s (503 and 429) and Output tokens/s are current rates, over Locust's current RPS window
 * (the ~10 complete seconds before the last request finished); the Total columns are
 * cumulative since the test started, TTFT p50 and Answer TTFT p50 included (ms; N/A before a
 * streamed success), then the reasoning part of the output tokens, the prompt tokens the server
 * served from its cache, and the successes whose `prompt_tokens` disagreed with the tokenizer.
 */
export const LLM_HISTORY_CSV_HEADER: readonly string[] = Object.freeze([
  'Timestamp', 'Name', 'Model', 'Requests/s', 'Shed/s', 'Output tokens/s',
  'Total Requests', 'Total Shed', 'Total Output tokens', 'Total TTFT p50 (ms)',
  'Total Answer TTFT p50 (ms)', 'Total Reasoning tokens', 'Total Cached tokens', 'Total Usage mismatches',
]);

/**
 * The rows PREFIX_llm_history.csv gets every second, as `_stats_history.csv` gets its own: the
 * Aggregated row, preceded by a row per endpoint name and model with `--csv-full-history`.
 */
export class LlmHistoryCsv {
  readonly #fullHistory: boolean;

  constructor(options: { fullHistory?: boolean } = {}) {
    this.#fullHistory = options.fullHistory ?? false;
  }

  header(): string {
    return csvRow(LLM_HISTORY_CSV_HEADER);
  }

  /** One tick's rows at `nowMs`; '' before any LLM request, so no file is made for a run without them. */
  rows(stats: LlmStats, nowMs: number = Date.now()): string {
    if (stats.total.requests === 0) return '';
    const timestamp = Math.trunc(nowMs / 1000);
    const entries = this.#fullHistory ? [...stats.entries(), stats.total] : [stats.total];
    let out = '';
    for (const e of entries) {
      const rates = e.currentRates();
      const p50 = (metric: 'ttft' | 'answerTtft') => (e.count(metric) === 0 ? 'N/A' : e.latency(metric, [0.5])[0]!.toFixed(3));
      out += csvRow([
        timestamp, e.name, e.model, rates.requests.toFixed(3), rates.shed.toFixed(3), rates.outputTokens.toFixed(3),
        e.requests, e.shed, e.outputTokens, p50('ttft'), p50('answerTtft'), e.reasoningTokens, e.cachedTokens, e.usageMismatches,
      ]);
    }
    return out;
  }
}
