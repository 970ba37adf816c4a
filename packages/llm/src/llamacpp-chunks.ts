/**
 * The `timings` object llama.cpp's server adds to the last chunk of an answer (and to every
 * chunk with `timings_per_token`), on its native `/completion` and on its OpenAI routes:
 * prompt processing and generation, each as a count, a time in ms and a rate. `cache_n` (newer
 * servers) is the prompt tokens reused from the slot's cache.
 */
export interface LlamaCppTimings {
  prompt_n: number | undefined;
  prompt_ms: number | undefined;
  prompt_per_second: number | undefined;
  predicted_n: number | undefined;
  predicted_ms: number | undefined;
  predicted_per_second: number | undefined;
  cache_n: number | undefined;
}

/** The server's figures from the last chunk of a native answer (`stop: true`). */
export interface LlamaCppFinal {
  timings: LlamaCppTimings | undefined;
  /** The prompt's tokens, cached ones included. */
  tokens_evaluated: number | undefined;
  /** The tokens generated. */
  tokens_predicted: number | undefined;
  /** The tokens in the slot's cache after the answer (prompt and generated). */
  tokens_cached: number | undefined;
  /** Why it stopped: `eos`, `word`, `limit`. */
  stop_type: string | undefined;
  /** The model (alias) that answered. */
  model?: string | undefined;
}

/** One chunk of a native `/completion` answer, reduced to what the metrics need. */
export interface LlamaCppChunk {
  content: string;
  /** The last chunk's figures, when this is it (`stop: true`). */
  final: LlamaCppFinal | undefined;
  /** An `error` object or string in place of an answer. */
  error: string | undefined;
}

const TIMING_NUMBERS = ['prompt_n', 'prompt_ms', 'prompt_per_second', 'predicted_n', 'predicted_ms', 'predicted_per_second', 'cache_n'] as const;
const FINAL_NUMBERS = ['tokens_evaluated', 'tokens_predicted', 'tokens_cached'] as const;

/** A count or time the server sent; llama.cpp writes -1 for a count it has not got. */
function figure(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads a `timings` object; undefined for anything else. */
export function parseLlamaCppTimings(value: unknown): LlamaCppTimings | undefined {
  if (!isObject(value)) return undefined;
  const t = {} as LlamaCppTimings;
  for (const key of TIMING_NUMBERS) t[key] = figure(value[key]);
  return t;
}

/** Reads one chunk of a native answer, streamed or whole (`stream: false`, the same shape). Undefined for a value that is not an object. */
export function parseLlamaCppChunk(value: unknown): LlamaCppChunk | undefined {
  if (!isObject(value)) return undefined;
  const content = value['content'];
  let final: LlamaCppFinal | undefined;
  if (value['stop'] === true) {
    const stopType = value['stop_type'];
    const model = value['model'];
    final = {
      timings: parseLlamaCppTimings(value['timings']),
      stop_type: typeof stopType === 'string' ? stopType : undefined,
      model: typeof model === 'string' ? model : undefined,
    } as LlamaCppFinal;
    for (const key of FINAL_NUMBERS) final[key] = figure(value[key]);
  }
  const error = value['error'];
  return {
    content: typeof content === 'string' ? content : '',
    final,
    error: error === undefined || error === null ? undefined : errorText(error),
  };
}

/** llama.cpp's errors are `{code, message, type}`; others send a string. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error) && typeof error['message'] === 'string') return error['message'];
  return JSON.stringify(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
