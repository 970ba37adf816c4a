import type { LlmSample } from './llm-entry.ts';

/**
 * The fields an LLM generation adds to its line of `--requests-log`, in order: one row each, so
 * a new measurement of LlmSample reaches the log with one line here. A field whose value is
 * undefined is left out of the line (e.g. TTFT of a request that was not streamed).
 */
const FIELDS: ReadonlyArray<readonly [string, (s: LlmSample) => string | number | boolean | undefined]> = [
  ['model', (s) => s.model],
  ['outcome', (s) => s.outcome],
  ['ttft_ms', (s) => s.ttft],
  ['answer_ttft_ms', (s) => s.answerTtft],
  ['e2e_ms', (s) => s.e2e],
  ['input_tokens', (s) => s.inputTokens],
  ['output_tokens', (s) => s.outputTokens],
  ['reasoning_tokens', (s) => s.reasoningTokens],
  ['cached_tokens', (s) => s.cachedTokens],
  // The usage check (LLM_METRICS.md, "Token counts checked"): the tokenizer's count and the verdict.
  ['expected_input_tokens', (s) => s.expectedInputTokens],
  ['usage_mismatch', (s) => s.usageMismatch],
  ['token_source', (s) => s.tokenSource],
];

/** Adds a sample's fields to a log line's object. */
export function addLlmLogFields(line: Record<string, unknown>, sample: LlmSample): void {
  for (const [key, value] of FIELDS) {
    const v = value(sample);
    if (v !== undefined) line[key] = v;
  }
}
