/**
 * llama.cpp server's native `/completion` (also `/completions`): request parsing, the answer
 * object and the SSE stream writer. A stream is `data: <json>` chunks, one a token with its
 * `content`, the last with `stop: true`, the reason, the token counts and the server's own
 * `timings` (prompt processing and generation: tokens, ms, tokens/s), and no end marker.
 * Errors are `{"error": {"code", "message", "type"}}`.
 */
import { InvalidRequestError } from './protocol.ts';
import type { GenerationPlan } from './latency.ts';
import type { ChunkWriter } from './stream-chunks.ts';

export interface LlamaCppRequest {
  /** The model the body names, if any: llama.cpp serves the model it loaded and ignores it. */
  model: string | undefined;
  promptText: string;
  /** `n_predict` (or `max_tokens`); undefined when absent or -1 (no limit). */
  maxTokens: number | undefined;
  /** llama.cpp answers whole unless the body says `stream: true`. */
  stream: boolean;
}

type JsonObject = Record<string, unknown>;

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(400, message, 'invalid_request_error');
}

/** `POST /completion`: `prompt` is a string, or an array of strings (joined). */
export function parseLlamaCppRequest(body: JsonObject): LlamaCppRequest {
  const prompt = body['prompt'];
  let promptText: string;
  if (typeof prompt === 'string') promptText = prompt;
  else if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) promptText = prompt.join('');
  else throw invalid('"prompt" must be a string or an array of strings');
  const nPredict = body['n_predict'] ?? body['max_tokens'];
  if (nPredict !== undefined && nPredict !== null && !(typeof nPredict === 'number' && Number.isInteger(nPredict) && nPredict >= -1)) {
    throw invalid(`"n_predict" must be an integer >= -1, got ${JSON.stringify(nPredict)}`);
  }
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw invalid(`"stream" must be a boolean, got ${JSON.stringify(stream)}`);
  const cache = body['cache_prompt'];
  if (cache !== undefined && cache !== null && typeof cache !== 'boolean') throw invalid(`"cache_prompt" must be a boolean, got ${JSON.stringify(cache)}`);
  const model = body['model'];
  return {
    model: typeof model === 'string' && model !== '' ? model : undefined,
    promptText,
    maxTokens: typeof nPredict === 'number' && nPredict >= 0 ? nPredict : undefined,
    stream: stream === true,
  };
}

/** The `timings` object, from what happened (`performance.now()` ms): admitted, first token out, last token out. */
export interface LlamaCppTimings {
  prompt_n: number;
  prompt_ms: number;
  prompt_per_token_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_token_ms: number;
  predicted_per_second: number;
  /** Prompt tokens reused from the slot's cache: the mock keeps no cache. */
  cache_n: number;
}

export function llamaCppTimings(plan: GenerationPlan, start: number, first: number, end: number): LlamaCppTimings {
  const promptMs = Math.max(0, first - start);
  const predictedMs = Math.max(0, end - first);
  const promptN = plan.promptTokens;
  const predictedN = plan.completionTokens;
  return {
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN > 0 ? promptMs / promptN : 0,
    prompt_per_second: promptMs > 0 ? (1e3 * promptN) / promptMs : 0,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN > 0 ? predictedMs / predictedN : 0,
    predicted_per_second: predictedMs > 0 ? (1e3 * predictedN) / predictedMs : 0,
    cache_n: 0,
  };
}

interface Meta {
  model: string;
  promptTokens: number;
}

/** llama.cpp's stop types: `limit` when n_predict cut the answer, else the model's end of sequence. */
const stopType = (finishReason: string): string => (finishReason === 'length' ? 'limit' : 'eos');

/** The last chunk, or a whole answer: the text, the counts and the timings. */
export function llamaCppFinal(meta: Meta, content: string, plan: GenerationPlan, timings: LlamaCppTimings): JsonObject {
  return {
    index: 0,
    content,
    tokens: [],
    id_slot: 0,
    stop: true,
    model: meta.model,
    tokens_predicted: plan.completionTokens,
    tokens_evaluated: plan.promptTokens,
    stop_type: stopType(plan.finishReason),
    stopping_word: '',
    // The slot holds the prompt and what was generated.
    tokens_cached: plan.promptTokens + plan.completionTokens,
    timings,
  };
}

/** The SSE writer of a native stream: a chunk a token, then the last chunk (`times()` when it is written). */
export function llamaCppChunks(meta: Meta, plan: GenerationPlan, times: () => LlamaCppTimings): ChunkWriter {
  let predicted = 0;
  const token = (text: string) => {
    predicted++;
    const chunk = { index: 0, content: text, tokens: [], stop: false, id_slot: 0, tokens_predicted: predicted, tokens_evaluated: meta.promptTokens };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };
  return {
    opening: () => '',
    token,
    // /completion has no reasoning channel: a reasoning token is text.
    reasoning: token,
    closing: () => `data: ${JSON.stringify(llamaCppFinal(meta, '', plan, times()))}\n\n`,
  };
}

