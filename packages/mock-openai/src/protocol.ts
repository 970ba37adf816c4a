/**
 * Request parsing and response bodies in the OpenAI wire format (as served by Ollama,
 * llama.cpp and vLLM on their `/v1` routes).
 */
import { LocustaError, messageOf } from '@locusta/core';
import type { ModelSpec } from './models.ts';

/** Ollama's scheduler error (server/sched.go `ErrMaxQueue`), word for word, two spaces included. */
export const OLLAMA_BUSY_MESSAGE = 'server busy, please try again.  maximum pending requests exceeded';

export interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIError {
  return { error: { message, type, param, code } };
}

export interface Usage {
  prompt_tokens: number;
  /** Reasoning tokens included. */
  completion_tokens: number;
  total_tokens: number;
  /** In reasoning mode: how many of the completion tokens were reasoning (OpenAI's and DeepSeek's field). */
  completion_tokens_details?: { reasoning_tokens: number };
  /** With a prefix cache (`prefixCache`): prompt tokens served from it, as vLLM reports them. */
  prompt_tokens_details?: { cached_tokens: number };
}

/** The field that carries reasoning text: DeepSeek, llama.cpp and older vLLM use the first; Ollama and newer vLLM the second. */
export type ReasoningField = 'reasoning_content' | 'reasoning';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{
    index: number;
    /** In reasoning mode the message also has the reasoning text, under `reasoning_content` or `reasoning`. */
    message: { role: 'assistant'; content: string; reasoning_content?: string; reasoning?: string };
    finish_reason: 'stop' | 'length';
  }>;
  usage: Usage;
  /**
   * Not part of OpenAI's schema. llama.cpp's native `/completion` API returns the generated
   * text as a top-level `content`, and load-test scripts written against it (such as the
   * Locust `InferenceUser` that checks `"content" in response.json()`) only look there;
   * a plain OpenAI body would make every such check fail. Mirroring the message text here
   * keeps both kinds of client happy; OpenAI SDKs ignore unknown fields.
   */
  content: string;
}

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{ index: number; text: string; finish_reason: 'stop' | 'length'; logprobs: null }>;
  usage: Usage;
  /** Same as in `ChatCompletion`: llama.cpp-style top-level text. */
  content: string;
}

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** A request the server refuses to parse: the HTTP status and OpenAI error body to answer with. */
export class InvalidRequestError extends LocustaError {
  readonly status: number;
  readonly body: OpenAIError;
  constructor(status: number, message: string, type = 'invalid_request_error', code: string | null = null, param: string | null = null) {
    super('LOCUSTA_ERR_INVALID_REQUEST', message);
    this.status = status;
    this.body = errorBody(message, type, code, param);
  }
  override get name(): string {
    return 'InvalidRequestError';
  }
}

export interface GenerationRequest {
  model: string;
  /** All prompt text concatenated (what prompt tokens are estimated from). */
  promptText: string;
  /** The texts counted with `countTokens`: each message's content, or the prompt. */
  promptParts: string[];
  /** vLLM's `min_tokens`: generate at least this many tokens (within `max_tokens`). */
  minTokens: number | undefined;
  /** vLLM's `ignore_eos`: generate up to `max_tokens`, past the natural end. */
  ignoreEos: boolean;
  maxTokens: number | undefined;
  stream: boolean;
  /** `stream_options.include_usage`: end the stream with a usage-only chunk. */
  includeUsage: boolean;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string, param: string | null = null): InvalidRequestError {
  return new InvalidRequestError(400, message, 'invalid_request_error', null, param);
}

/** Parses a request body as JSON; 400 with an OpenAI error when it is not a JSON object. */
export function parseJsonObject(raw: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    const detail = messageOf(err);
    throw invalid(`We could not parse the JSON body of your request. (${detail})`);
  }
  if (!isObject(value)) throw invalid('The request body must be a JSON object.');
  return value;
}

function parseCommon(body: JsonObject): Omit<GenerationRequest, 'promptText' | 'promptParts'> {
  const model = body['model'];
  if (typeof model !== 'string' || model.length === 0) {
    throw invalid('you must provide a model parameter', 'model');
  }
  // `max_completion_tokens` is the newer OpenAI name; accept either.
  const rawMax = body['max_completion_tokens'] ?? body['max_tokens'];
  let maxTokens: number | undefined;
  if (rawMax !== undefined && rawMax !== null) {
    if (typeof rawMax !== 'number' || !Number.isInteger(rawMax) || rawMax < 1) {
      throw invalid(`Invalid 'max_tokens': expected an integer >= 1, got ${JSON.stringify(rawMax)}.`, 'max_tokens');
    }
    maxTokens = rawMax;
  }
  const temperature = body['temperature'];
  if (temperature !== undefined && temperature !== null && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) {
    throw invalid(`Invalid 'temperature': expected a number between 0 and 2, got ${JSON.stringify(temperature)}.`, 'temperature');
  }
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw invalid(`Invalid 'stream': expected a boolean, got ${JSON.stringify(stream)}.`, 'stream');
  }
  // Like Ollama, stream_options is read only when streaming (OpenAI would reject it otherwise).
  const streamOptions = body['stream_options'];
  let includeUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!isObject(streamOptions)) {
      throw invalid(`Invalid 'stream_options': expected an object, got ${JSON.stringify(streamOptions)}.`, 'stream_options');
    }
    const include = streamOptions['include_usage'];
    if (include !== undefined && include !== null && typeof include !== 'boolean') {
      throw invalid(
        `Invalid 'stream_options.include_usage': expected a boolean, got ${JSON.stringify(include)}.`,
        'stream_options.include_usage',
      );
    }
    includeUsage = include === true;
  }
  const rawMin = body['min_tokens'];
  if (rawMin !== undefined && rawMin !== null && (typeof rawMin !== 'number' || !Number.isInteger(rawMin) || rawMin < 0)) {
    throw invalid(`Invalid 'min_tokens': expected an integer >= 0, got ${JSON.stringify(rawMin)}.`, 'min_tokens');
  }
  const ignoreEos = body['ignore_eos'];
  if (ignoreEos !== undefined && ignoreEos !== null && typeof ignoreEos !== 'boolean') {
    throw invalid(`Invalid 'ignore_eos': expected a boolean, got ${JSON.stringify(ignoreEos)}.`, 'ignore_eos');
  }
  return {
    model,
    maxTokens,
    stream: stream === true,
    includeUsage: stream === true && includeUsage,
    minTokens: typeof rawMin === 'number' ? rawMin : undefined,
    ignoreEos: ignoreEos === true,
  };
}

function contentText(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    // Content parts: only text parts count towards the prompt.
    return content
      .map((part) => (isObject(part) && part['type'] === 'text' && typeof part['text'] === 'string' ? part['text'] : ''))
      .join('');
  }
  throw invalid(`Invalid type for 'messages[${index}].content': expected a string or an array of content parts.`, `messages[${index}].content`);
}

/** `POST /v1/chat/completions` body. */
export function parseChatRequest(body: JsonObject): GenerationRequest {
  const common = parseCommon(body);
  const messages = body['messages'];
  if (!Array.isArray(messages)) throw invalid("Missing required parameter: 'messages'.", 'messages');
  if (messages.length === 0) throw invalid("[] is too short - 'messages'", 'messages');
  const parts: string[] = [];
  messages.forEach((m, i) => {
    if (!isObject(m) || typeof m['role'] !== 'string') {
      throw invalid(`Invalid 'messages[${i}]': expected an object with a string 'role'.`, `messages[${i}]`);
    }
    parts.push(contentText(m['content'], i));
  });
  return { ...common, promptText: parts.join(''), promptParts: parts };
}

/** `POST /v1/completions` body. */
export function parseCompletionRequest(body: JsonObject): GenerationRequest {
  const common = parseCommon(body);
  const prompt = body['prompt'];
  let promptText: string;
  if (typeof prompt === 'string') promptText = prompt;
  else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') promptText = prompt[0];
  else throw invalid("Invalid 'prompt': expected a string.", 'prompt');
  return { ...common, promptText, promptParts: [promptText] };
}

/** Usage; with `reasoningTokens` (reasoning mode) the completion tokens' details say how many were reasoning. */
export function usage(promptTokens: number, completionTokens: number, reasoningTokens?: number, cachedTokens?: number): Usage {
  const out: Usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoningTokens };
  if (cachedTokens !== undefined) out.prompt_tokens_details = { cached_tokens: cachedTokens };
  return out;
}

export function modelObject(model: ModelSpec, created: number): ModelObject {
  return { id: model.id, object: 'model', created, owned_by: model.ownedBy ?? 'library' };
}
