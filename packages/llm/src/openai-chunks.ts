/** Which OpenAI generation endpoint a body goes to. */
export type GenerationKind = 'chat' | 'completion';

/** OpenAI's token usage of a request. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  /** Prompt tokens the server served from its prefix cache (vLLM, OpenAI), when it says so. */
  prompt_tokens_details?: { cached_tokens: number };
}

/** What a streamed chunk or a whole answer says, reduced to what the metrics need. */
export interface ParsedChunk {
  /** The content text it carries ('' for role, finish and usage-only chunks). */
  content: string;
  usage: Usage | undefined;
  /** The message of an `error` object some servers send inside a stream. */
  error: string | undefined;
}

/**
 * Reads one `data:` payload of a stream: chat chunks carry `choices[0].delta.content`, text
 * completions `choices[0].text`. The usage-only last chunk (`include_usage`) has `choices`
 * empty, null or absent depending on the server. Undefined when the payload is not JSON.
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
  const content = kind === 'chat' ? (isObject(choice?.['delta']) ? choice['delta']['content'] : undefined) : choice?.['text'];
  return { content: typeof content === 'string' ? content : '', usage: usageOf(chunk), error: errorOf(chunk) };
}

/** Reads a non-streamed answer: `choices[0].message.content` (chat) or `choices[0].text`. */
export function parseAnswer(body: unknown, kind: GenerationKind): ParsedChunk {
  if (!isObject(body)) return { content: '', usage: undefined, error: undefined };
  const choice = firstChoice(body);
  const content = kind === 'chat' ? (isObject(choice?.['message']) ? choice['message']['content'] : undefined) : choice?.['text'];
  return { content: typeof content === 'string' ? content : '', usage: usageOf(body), error: errorOf(body) };
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
  const details = usage['prompt_tokens_details'];
  if (isObject(details) && typeof details['cached_tokens'] === 'number') out.prompt_tokens_details = { cached_tokens: details['cached_tokens'] };
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
