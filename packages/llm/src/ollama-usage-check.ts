import type { LlmSample } from './llm-entry.ts';
import type { OllamaEndpoint, OllamaFinal } from './ollama-chunks.ts';
import type { OllamaBody } from './ollama-user.ts';
import { contentText, countMessages } from './prompt-source.ts';
import type { TextTokenizer } from './tokenizer.ts';
import { countText } from './tokenizer.ts';
import { isUsageMismatch } from './usage-check.ts';

/**
 * The tokenizer's count of the prompt an Ollama body sends: the contents of a chat's messages
 * added up, or generate's `system` and `prompt` (no template, no BOS: the server adds those, and
 * the tolerance allows for them). Undefined for what the client cannot count: images, tools
 * (rendered into the prompt by the template), a generate `context` (the tokens of an earlier
 * exchange), or a prompt that is not text.
 */
export function expectedOllamaPromptTokens(tokenizer: TextTokenizer, endpoint: OllamaEndpoint, body: OllamaBody): number | undefined {
  if (endpoint === 'generate') {
    const { prompt, system, context, images } = body;
    if (typeof prompt !== 'string' || (system !== undefined && typeof system !== 'string')) return undefined;
    if ((Array.isArray(context) && context.length > 0) || (Array.isArray(images) && images.length > 0)) return undefined;
    return countText(tokenizer, prompt) + (typeof system === 'string' ? countText(tokenizer, system) : 0);
  }
  const { messages, tools } = body;
  if (!Array.isArray(messages) || (Array.isArray(tools) && tools.length > 0)) return undefined;
  const contents: { content: string }[] = [];
  for (const m of messages as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const { images } = m as { images?: unknown };
    if (Array.isArray(images) && images.length > 0) return undefined;
    contents.push({ content: contentText((m as { content?: unknown }).content) });
  }
  return countMessages(tokenizer, contents);
}

/** `options.num_predict` of a body when it limits the answer (Ollama's -1 and -2 do not). */
export function numPredictOf(body: OllamaBody): number | undefined {
  const options = body['options'];
  if (typeof options !== 'object' || options === null) return undefined;
  const n = (options as { num_predict?: unknown }).num_predict;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** What the check of one Ollama answer compares. */
export interface OllamaUsageInput {
  final: OllamaFinal;
  /** The tokenizer's count of the prompt sent; undefined when not counted. */
  expected: number | undefined;
  /** `options.num_predict` sent; undefined when the answer had no limit. */
  numPredict: number | undefined;
  /** The non-empty chunks of a stream (each carries at least one token); undefined when not streamed. */
  chunks: number | undefined;
  tolerance: number;
}

/**
 * The check of an Ollama answer's counts (LLM_METRICS.md, "Token counts checked"):
 *
 * - the prompt: `prompt_eval_count` against the tokenizer's count, by the rule of
 *   `isUsageMismatch`, when the count is the whole prompt. It is when the answer says how much
 *   came from the prompt cache (`prompt_eval_cached_count`, newer Ollama), or when it is not
 *   below the tokenizer's count. A count below it without a cached count is not judged: some
 *   Ollama versions leave the tokens served from the prompt cache out of `prompt_eval_count`, and
 *   such an answer cannot be told from a prompt cut at the context length (`num_ctx`).
 * - the output: `eval_count` is at most `options.num_predict` (Ollama stops there; more means
 *   the server did not apply the limit, e.g. a proxy that drops `options`), and at least the
 *   stream's non-empty chunks (each carries one token or more; the end-of-sequence token is
 *   counted and not sent). The answer's text is not counted with the tokenizer: `eval_count`
 *   also counts the end-of-sequence token and the tokens of a stop sequence cut from the text,
 *   and text encoded again need not give the tokens the model generated.
 *
 * A mismatch on either is one usage mismatch; an answer is checked when either could be judged.
 */
export function ollamaUsageCheck(input: OllamaUsageInput): Pick<LlmSample, 'expectedInputTokens' | 'usageMismatch' | 'cachedTokens'> {
  const { final, expected, numPredict, chunks, tolerance } = input;
  const out: Pick<LlmSample, 'expectedInputTokens' | 'usageMismatch' | 'cachedTokens'> = {};
  const cached = final.prompt_eval_cached_count;
  if (cached !== undefined) out.cachedTokens = cached;
  let checked = false;
  let mismatch = false;
  const prompt = final.prompt_eval_count;
  if (expected !== undefined && prompt !== undefined) {
    // Logged even when not judged, so the requests log shows the shortfall.
    out.expectedInputTokens = expected;
    if (cached !== undefined || prompt >= expected) {
      checked = true;
      mismatch ||= isUsageMismatch(prompt, expected, tolerance);
    }
  }
  const output = final.eval_count;
  if (output !== undefined && (numPredict !== undefined || chunks !== undefined)) {
    checked = true;
    if (numPredict !== undefined && output > numPredict) mismatch = true;
    if (chunks !== undefined && output < chunks) mismatch = true;
  }
  if (checked) out.usageMismatch = mismatch;
  return out;
}
