import type { PrometheusLabels } from '@locusta/stats';
import { PrometheusText } from '@locusta/stats';
import type { LlmEntry } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';

/** Upper bounds (seconds) of the TTFT, answer TTFT and E2E histograms' buckets; generations run to minutes. */
export const LLM_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300,
]);

/**
 * The LLM metrics in the Prometheus text exposition format, per endpoint name and model:
 * request, shed, failure and token counters, and TTFT and E2E histograms of the successes
 * (`_sum` from the histogram's buckets, within its 0.1 % resolution). Meant to follow the
 * request metrics on `/metrics`; empty before any LLM request. Counters restart from 0 when a
 * test starts or the statistics are reset.
 */
export function llmPrometheus(stats: LlmStats): string {
  if (stats.total.requests === 0) return '';
  const m = new PrometheusText();
  const entries = stats.entries();
  const key = (e: LlmEntry): PrometheusLabels => [['name', e.name], ['model', e.model]];
  const counter = (name: string, help: string, value: (e: LlmEntry) => number) => {
    m.family(name, 'counter', help);
    for (const e of entries) m.sample(name, key(e), value(e));
  };
  counter('locusta_llm_requests_total', 'Generation requests finished, shed and failed ones included.', (e) => e.requests);
  counter('locusta_llm_shed_total', 'Requests the server refused with 503 or 429 (shed load).', (e) => e.shed);
  counter('locusta_llm_failures_total', 'Other failed requests: errors, timeouts, other statuses, broken streams.', (e) => e.failures);
  counter('locusta_llm_input_tokens_total', 'Prompt tokens of successful requests.', (e) => e.inputTokens);
  counter('locusta_llm_output_tokens_total', 'Output tokens of successful requests, reasoning included.', (e) => e.outputTokens);
  counter('locusta_llm_reasoning_tokens_total', 'Reasoning tokens of successful requests whose split is known.', (e) => e.reasoningTokens);
  counter('locusta_llm_answer_tokens_total', 'Answer (non-reasoning) tokens of successful requests whose split is known.', (e) => e.answerTokens);
  counter('locusta_llm_cached_tokens_total', 'Prompt tokens the server served from its prefix cache (usage.prompt_tokens_details.cached_tokens).', (e) => e.cachedTokens);
  counter('locusta_llm_usage_checked_total', "Successful requests whose token counts were checked (usage.prompt_tokens against the tokenizer's count; Ollama's counts, LLM_METRICS.md).", (e) => e.usageChecked);
  counter('locusta_llm_usage_mismatches_total', "Checked requests whose token counts disagreed with the client's (LLM_METRICS.md, Token counts checked).", (e) => e.usageMismatches);
  m.family('locusta_llm_ttft_seconds', 'histogram', 'Time to the first output token (reasoning included) of successful streamed requests.');
  for (const e of entries) m.histogram('locusta_llm_ttft_seconds', key(e), e.histograms.ttft, LLM_LATENCY_BUCKETS);
  m.family('locusta_llm_answer_ttft_seconds', 'histogram', 'Time to the first answer token (content or tool calls) of successful streamed requests.');
  for (const e of entries) m.histogram('locusta_llm_answer_ttft_seconds', key(e), e.histograms.answerTtft, LLM_LATENCY_BUCKETS);
  m.family('locusta_llm_e2e_seconds', 'histogram', 'Request sent to the end of the answer, successful requests.');
  for (const e of entries) m.histogram('locusta_llm_e2e_seconds', key(e), e.histograms.e2e, LLM_LATENCY_BUCKETS);
  return m.text();
}
