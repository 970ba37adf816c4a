import type { LlamaCppTimings } from './llamacpp-chunks.ts';
import { parseLlamaCppTimings } from './llamacpp-chunks.ts';

/** Which OpenAI generation endpoint a body goes to. */
export type GenerationKind = 'chat' | 'completion';

/** OpenAI's token usage of a request. */
export interface Usage {
  prompt_tokens: number;
  /** Every generated token, reasoning included (OpenAI, DeepSeek and vLLM count it so). */
  completion_tokens: number;
  total_tokens?: number;
  /** How many of the completion tokens were reasoning, when the server says (OpenAI, DeepSeek). */
  completion_tokens_details?: { reasoning_tokens?: number };
  /** Prompt tokens the server served from its prefix cache (vLLM, OpenAI), when it says so. */
  prompt_tokens_details?: { cached_tokens: number };
}

/** What a streamed chunk or a whole answer says, reduced to what the metrics need. */
export interface ParsedChunk {
  /** The content text it carries ('' for role, finish and usage-only chunks). */
  content: string;
  /**
   * The reasoning text it carries: `reasoning_content` (DeepSeek, vLLM, llama.cpp) or
   * `reasoning` (newer vLLM, Ollama's OpenAI API, OpenRouter); '' when none.
   */
  reasoning: string;
  /** It carries tool calls (`tool_calls`, a non-empty array): answer output, not reasoning. */
  toolCalls: boolean;
  usage: Usage | undefined;
  /** The message of an `error` object some servers send inside a stream. */
  error: string | undefined;
  /** llama.cpp's own `timings` object, which its OpenAI routes add to the last chunk (to every one with `timings_per_token`). */
  timings?: LlamaCppTimings | undefined;
}

/**
 * Reads one `data:` payload of a stream: chat chunks carry `choices[0].delta` (its `content`,
 * reasoning and `tool_calls`), text completions `choices[0].text`. The usage-only last chunk
 * (`include_usage`) has `choices` empty, null or absent depending on the server. Undefined
 * when the payload is not JSON.
 */
export function parseChunk(data: string, kind: GenerationKind): ParsedChunk | undefined {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(chunk)) return undefined;
  const choice = firstChoice(chunk);
  if (kind === 'chat') return read(isObject(choice?.['delta']) ? choice['delta'] : undefined, chunk);
  return { ...read(undefined, chunk), content: text(choice?.['text']) };
}

/** Reads a non-streamed answer: `choices[0].message` (chat) or `choices[0].text`. */
export function parseAnswer(body: unknown, kind: GenerationKind): ParsedChunk {
  if (!isObject(body)) return { content: '', reasoning: '', toolCalls: false, usage: undefined, error: undefined };
  const choice = firstChoice(body);
  if (kind === 'chat') return read(isObject(choice?.['message']) ? choice['message'] : undefined, body);
  return { ...read(undefined, body), content: text(choice?.['text']) };
}

/** A chat delta or message (`content`, reasoning, `tool_calls`), and the usage and error of its envelope. */
function read(message: Record<string, unknown> | undefined, envelope: Record<string, unknown>): ParsedChunk {
  // A server sends one of the two reasoning names; `reasoning_content` first, as vLLM did before renaming it.
  const reasoning = text(message?.['reasoning_content']) || text(message?.['reasoning']);
  const calls = message?.['tool_calls'];
  return {
    content: text(message?.['content']),
    reasoning,
    toolCalls: Array.isArray(calls) && calls.length > 0,
    usage: usageOf(envelope),
    error: errorOf(envelope),
    timings: parseLlamaCppTimings(envelope['timings']),
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function firstChoice(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const choices = value['choices'];
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const first: unknown = choices[0];
  return isObject(first) ? first : undefined;
}

function usageOf(value: Record<string, unknown>): Usage | undefined {
  const usage = value['usage'];
  if (!isObject(usage)) return undefined;
  const prompt = usage['prompt_tokens'];
  const completion = usage['completion_tokens'];
  if (typeof completion !== 'number') return undefined;
  const out: Usage = { prompt_tokens: typeof prompt === 'number' ? prompt : 0, completion_tokens: completion };
  if (typeof usage['total_tokens'] === 'number') out.total_tokens = usage['total_tokens'];
  const details = usage['completion_tokens_details'];
  const reasoning = isObject(details) ? details['reasoning_tokens'] : undefined;
  // Only a count that fits in the completion tokens splits them; anything else is ignored.
  if (typeof reasoning === 'number' && Number.isInteger(reasoning) && reasoning >= 0 && reasoning <= completion) {
    out.completion_tokens_details = { reasoning_tokens: reasoning };
  }
  const prompted = usage['prompt_tokens_details'];
  if (isObject(prompted) && typeof prompted['cached_tokens'] === 'number') out.prompt_tokens_details = { cached_tokens: prompted['cached_tokens'] };
  return out;
}

function errorOf(value: Record<string, unknown>): string | undefined {
  const error = value['error'];
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  if (isObject(error) && typeof error['message'] === 'string') return error['message'];
  return JSON.stringify(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
