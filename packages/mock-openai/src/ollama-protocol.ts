/**
 * Ollama's native API (`/api/chat`, `/api/generate`, `/api/embed`, `/api/tags`): request
 * parsing, answer objects and the NDJSON stream writer. Streams are one JSON object a line;
 * the last one has `done: true`, the reason the generation stopped and the server's own
 * timings in nanoseconds. Errors are `{"error": "..."}`, before the stream or as a line in it.
 */
import { LocustaError, messageOf } from '@locusta/core';
import { estimateTokens, fnv1a } from './latency.ts';
import type { GenerationPlan } from './latency.ts';
import type { ModelSpec } from './models.ts';
import type { ChunkWriter } from './stream-chunks.ts';

/** The content type of Ollama's streamed answers. */
export const NDJSON_TYPE = 'application/x-ndjson';

export type OllamaEndpoint = 'chat' | 'generate';

export interface OllamaRequest {
  endpoint: OllamaEndpoint;
  model: string;
  promptText: string;
  /** The parts counted for `prompt_eval_count`: each chat message's content, or generate's `system` and `prompt`. */
  promptParts: string[];
  /** `options.num_predict`; undefined when absent or negative (Ollama's "no limit"). */
  maxTokens: number | undefined;
  /** Ollama streams unless the body says `stream: false`. */
  stream: boolean;
  /** `think: true` (or a level such as "high"): thinking chunks come before the answer. */
  think: boolean;
  /** No prompt (no messages): Ollama only loads the model and answers `done_reason: "load"`. */
  loadOnly: boolean;
}

/** A request Ollama refuses: the status and its `{"error": ...}` body. */
export class OllamaRequestError extends LocustaError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('LOCUSTA_ERR_INVALID_REQUEST', message);
    this.status = status;
  }
  override get name(): string {
    return 'OllamaRequestError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function ollamaError(message: string): { error: string } {
  return { error: message };
}

function parseObject(raw: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new OllamaRequestError(400, `invalid JSON body: ${messageOf(err)}`);
  }
  if (!isObject(value)) throw new OllamaRequestError(400, 'the request body must be a JSON object');
  return value;
}

function parseModel(body: JsonObject): string {
  const model = body['model'];
  if (typeof model !== 'string' || model === '') throw new OllamaRequestError(400, 'model is required');
  return model;
}

/** `POST /api/chat` or `POST /api/generate`. */
export function parseOllamaRequest(raw: string, endpoint: OllamaEndpoint): OllamaRequest {
  const body = parseObject(raw);
  const model = parseModel(body);
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw new OllamaRequestError(400, `stream must be a boolean, got ${JSON.stringify(stream)}`);
  }
  const think = body['think'];
  if (think !== undefined && think !== null && typeof think !== 'boolean' && typeof think !== 'string') {
    throw new OllamaRequestError(400, `think must be a boolean or a level, got ${JSON.stringify(think)}`);
  }
  const options = body['options'];
  if (options !== undefined && options !== null && !isObject(options)) {
    throw new OllamaRequestError(400, `options must be an object, got ${JSON.stringify(options)}`);
  }
  const numPredict = isObject(options) ? options['num_predict'] : undefined;
  if (numPredict !== undefined && numPredict !== null && !(typeof numPredict === 'number' && Number.isInteger(numPredict))) {
    throw new OllamaRequestError(400, `options.num_predict must be an integer, got ${JSON.stringify(numPredict)}`);
  }
  let promptParts: string[];
  if (endpoint === 'chat') {
    const messages = body['messages'] ?? [];
    if (!Array.isArray(messages)) throw new OllamaRequestError(400, 'messages must be an array');
    promptParts = messages.map((m, i) => {
      if (!isObject(m) || typeof m['role'] !== 'string') throw new OllamaRequestError(400, `messages[${i}] must have a string role`);
      return typeof m['content'] === 'string' ? m['content'] : '';
    });
  } else {
    const prompt = body['prompt'] ?? '';
    if (typeof prompt !== 'string') throw new OllamaRequestError(400, 'prompt must be a string');
    const system = typeof body['system'] === 'string' ? body['system'] : '';
    promptParts = system === '' ? [prompt] : [system, prompt];
  }
  const promptText = promptParts.join('');
  const messages = body['messages'];
  const loadOnly = endpoint === 'chat' ? !Array.isArray(messages) || messages.length === 0 : body['prompt'] === undefined || body['prompt'] === '';
  return {
    endpoint,
    model,
    promptText,
    promptParts,
    maxTokens: typeof numPredict === 'number' && numPredict >= 0 ? numPredict : undefined,
    stream: stream !== false,
    think: think === true || (typeof think === 'string' && think !== ''),
    loadOnly,
  };
}

export interface EmbedRequest {
  model: string;
  inputs: string[];
}

/** `POST /api/embed`: `input` is a string or an array of strings. */
export function parseEmbedRequest(raw: string): EmbedRequest {
  const body = parseObject(raw);
  const model = parseModel(body);
  const input = body['input'];
  if (typeof input === 'string') return { model, inputs: [input] };
  if (Array.isArray(input) && input.every((s) => typeof s === 'string')) return { model, inputs: input };
  throw new OllamaRequestError(400, 'input must be a string or an array of strings');
}

/** Dimensions of the mock's embeddings. */
const EMBEDDING_DIMENSIONS = 16;

/** A unit vector that depends on the text only: the same input always gets the same embedding. */
export function embeddingOf(model: string, text: string): number[] {
  let h = fnv1a(`${model}\n${text}`);
  const v: number[] = [];
  for (let i = 0; i < EMBEDDING_DIMENSIONS; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    v.push(h / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** Prompt tokens of an embed request, by the mock's usual estimate. */
export function embedTokens(inputs: readonly string[]): number {
  return inputs.reduce((sum, s) => sum + estimateTokens(s), 0);
}

/**
 * How many thinking tokens a thinking model spends on a prompt before it answers: 16..64,
 * a function of the prompt, so the same request always thinks as long.
 */
function thinkingTokens(promptText: string): number {
  return 16 + (fnv1a(`think\n${promptText}`) % 49);
}

/** Part of the time to first token reported as `load_duration`: the model is resident, loading is a lookup. */
const LOAD_MS = 1;

/** What one native generation sends: thinking tokens, then answer tokens, and how long it may take. */
export interface OllamaPlan extends GenerationPlan {
  /** The first `thinking` of the tokens are thinking, the rest the answer; completionTokens counts both. */
  thinking: number;
  /** Of ttftMs, the part reported as `load_duration`. */
  loadMs: number;
}

/**
 * Spreads the generation over thinking and answer tokens within `num_predict` (thinking comes
 * first, as a model's reasoning does), with the base plan's time to first token and decode
 * step. `base` is planned without a token limit: its completionTokens is the answer the model wants.
 */
export function ollamaPlan(base: GenerationPlan, request: OllamaRequest, fixedLatencyMs: number | undefined, scale: number): OllamaPlan {
  const limit = request.maxTokens ?? Infinity;
  const wanted = request.think ? thinkingTokens(request.promptText) : 0;
  const thinking = Math.min(wanted, limit);
  const content = Math.min(base.completionTokens, limit - thinking);
  const total = thinking + content;
  const finishReason: 'stop' | 'length' = wanted + base.completionTokens > limit ? 'length' : 'stop';
  let { ttftMs, interTokenMs } = base;
  let totalMs: number;
  if (fixedLatencyMs !== undefined) {
    totalMs = fixedLatencyMs;
    ttftMs = total > 1 ? totalMs * 0.2 : totalMs;
    interTokenMs = total > 1 ? (totalMs - ttftMs) / (total - 1) : 0;
  } else {
    totalMs = ttftMs + interTokenMs * Math.max(0, total - 1);
  }
  return { ...base, completionTokens: total, finishReason, ttftMs, interTokenMs, totalMs, thinking, loadMs: Math.min(ttftMs, LOAD_MS * scale) };
}

/** The server's timings of one generation, in nanoseconds as Ollama reports them. */
export interface OllamaTimings {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  /** With a prefix cache: the prompt tokens read from it (Ollama's `prompt_eval_cached_count`). */
  prompt_eval_cached_count?: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

const ns = (ms: number): number => Math.max(0, Math.round(ms * 1e6));

/**
 * How `prompt_eval_count` counts a prompt partly served from the prefix cache: `whole`, the
 * whole prompt with the cached part in `prompt_eval_cached_count` (current Ollama), or
 * `evaluated`, only the tokens evaluated and no cached count (some Ollama versions did so).
 */
export type OllamaPromptCount = 'whole' | 'evaluated';

/**
 * The timings from what happened: `start` (admitted), `first` (first token out) and `end`
 * (last token out), all `performance.now()` ms; load is part of the wait for the first token.
 */
export function ollamaTimings(plan: OllamaPlan, start: number, first: number, end: number, promptCount: OllamaPromptCount = 'whole'): OllamaTimings {
  const load = Math.min(plan.loadMs, first - start);
  const cached = plan.cachedTokens;
  const out: OllamaTimings = {
    total_duration: ns(end - start),
    load_duration: ns(load),
    prompt_eval_count: promptCount === 'evaluated' ? plan.promptTokens - (cached ?? 0) : plan.promptTokens,
    prompt_eval_duration: ns(first - start - load),
    eval_count: plan.completionTokens,
    eval_duration: ns(end - first),
  };
  if (cached !== undefined && promptCount === 'whole') out.prompt_eval_cached_count = cached;
  return out;
}

interface ChunkMeta {
  endpoint: OllamaEndpoint;
  model: string;
}

/** One object of an answer: `message` for chat, `response` for generate, with the text as thinking or content. */
function chunk(meta: ChunkMeta, text: string, thinking: boolean): JsonObject {
  const created_at = new Date().toISOString();
  if (meta.endpoint === 'chat') {
    const message: JsonObject = { role: 'assistant', content: thinking ? '' : text };
    if (thinking) message['thinking'] = text;
    return { model: meta.model, created_at, message, done: false };
  }
  const out: JsonObject = { model: meta.model, created_at, response: thinking ? '' : text };
  if (thinking) out['thinking'] = text;
  return { ...out, done: false };
}

/** The last object: done, why, and the timings. */
function finalObject(meta: ChunkMeta, finishReason: string, timings: OllamaTimings): JsonObject {
  return { ...chunk(meta, '', false), done: true, done_reason: finishReason, ...timings };
}

/** A whole (`stream: false`) answer: the texts joined, with the final fields. */
export function wholeAnswer(meta: ChunkMeta, thinking: string, content: string, finishReason: string, timings: OllamaTimings): JsonObject {
  const out = finalObject(meta, finishReason, timings);
  if (meta.endpoint === 'chat') {
    const message: JsonObject = { role: 'assistant', content };
    if (thinking !== '') message['thinking'] = thinking;
    out['message'] = message;
  } else {
    out['response'] = content;
    if (thinking !== '') out['thinking'] = thinking;
  }
  return out;
}

/**
 * The NDJSON writer of a native stream: thinking tokens (the stream's reasoning ones) go out as
 * `thinking`, the rest as the answer. `times()` gives the timings when the last object is written.
 */
export function ndjsonChunks(meta: ChunkMeta, times: () => OllamaTimings): ChunkWriter {
  return {
    opening: () => '',
    reasoning: (text) => `${JSON.stringify(chunk(meta, text, true))}\n`,
    token: (text) => `${JSON.stringify(chunk(meta, text, false))}\n`,
    closing: (finishReason) => `${JSON.stringify(finalObject(meta, finishReason, times()))}\n`,
  };
}

/** `GET /api/tags`: the models, as `ollama list` shows them. */
export function tagsBody(models: readonly ModelSpec[], modifiedAt: string): { models: JsonObject[] } {
  return {
    models: models.map((m) => {
      const [family] = m.id.split(':');
      return {
        name: m.id,
        model: m.id,
        modified_at: modifiedAt,
        size: Math.round(m.parametersB * 0.6e9),
        digest: fnv1a(m.id).toString(16).padStart(8, '0').repeat(8),
        details: {
          parent_model: '',
          format: 'gguf',
          family: family ?? m.id,
          families: [family ?? m.id],
          parameter_size: `${m.parametersB}B`,
          quantization_level: 'Q4_K_M',
        },
      };
    }),
  };
}
