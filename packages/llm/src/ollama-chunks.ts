/** Which native Ollama endpoint a body goes to. */
export type OllamaEndpoint = 'chat' | 'generate';

/** The server's own figures from the last object of an answer (`done: true`); durations in ns. */
export interface OllamaFinal {
  done_reason: string | undefined;
  total_duration: number | undefined;
  load_duration: number | undefined;
  prompt_eval_count: number | undefined;
  /** Prompt tokens read from the prompt cache (newer Ollama; `prompt_eval_count` then counts the whole prompt). */
  prompt_eval_cached_count: number | undefined;
  prompt_eval_duration: number | undefined;
  eval_count: number | undefined;
  eval_duration: number | undefined;
}

/** One object of a native answer, reduced to what the metrics need. */
export interface OllamaChunk {
  /** `message.thinking` (chat) or `thinking` (generate); '' when absent. */
  thinking: string;
  /** `message.content` (chat) or `response` (generate); '' when absent. */
  content: string;
  /** The last object's figures, when this is it. */
  final: OllamaFinal | undefined;
  /** The `error` Ollama writes as a line of its own when a generation fails midway. */
  error: string | undefined;
}

const FINAL_NUMBERS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_cached_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;

/**
 * Reads one object of `/api/chat` or `/api/generate`, streamed (one a line) or whole
 * (`stream: false`, the same shape with the texts joined). Undefined for a value that is
 * not an object.
 */
export function parseOllamaChunk(value: unknown, endpoint: OllamaEndpoint): OllamaChunk | undefined {
  if (!isObject(value)) return undefined;
  let thinking: unknown;
  let content: unknown;
  if (endpoint === 'chat') {
    const message = value['message'];
    if (isObject(message)) {
      thinking = message['thinking'];
      content = message['content'];
    }
  } else {
    thinking = value['thinking'];
    content = value['response'];
  }
  let final: OllamaFinal | undefined;
  if (value['done'] === true) {
    const reason = value['done_reason'];
    final = { done_reason: typeof reason === 'string' ? reason : undefined } as OllamaFinal;
    for (const key of FINAL_NUMBERS) {
      const n = value[key];
      final[key] = typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
    }
  }
  const error = value['error'];
  return {
    thinking: typeof thinking === 'string' ? thinking : '',
    content: typeof content === 'string' ? content : '',
    final,
    error: error === undefined || error === null ? undefined : typeof error === 'string' ? error : JSON.stringify(error),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
