import type { Environment } from '@locusta/core';
import type { HttpResponse, RequestHeaders, StreamedResponse } from '@locusta/http';
import { HttpUser } from '@locusta/http';
import { llmStatsOf } from './attach.ts';
import type { LlmOutcome, TokenSource } from './llm-entry.ts';
import type { GenerationKind, Usage } from './openai-chunks.ts';
import { parseAnswer, parseChunk } from './openai-chunks.ts';

/** An OpenAI request body: passed on as it is (streamed chat and completions may get `stream_options`). */
export type OpenAIBody = Record<string, unknown>;

/** Client-side times of a generation, in ms after the request was sent. */
export interface LlmTimings {
  /** To the first content chunk; null when not streamed or no content came. */
  ttft: number | null;
  /** To `[DONE]` (or the end of the body) when streamed, else to the last byte. */
  e2e: number;
  /** Gaps between consecutive content chunks (empty when not streamed). */
  itl: number[];
}

/** What `chat()` and `completion()` resolve to. */
export interface LlmResult {
  /** The generated text: the content deltas joined, or the answer's content. */
  text: string;
  /** The server's usage, when it sent one. */
  usage: Usage | null;
  timings: LlmTimings;
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The output tokens counted in LlmStats (usage, else content chunks); null when unknown. */
  outputTokens: number | null;
  tokenSource: TokenSource;
  /** How LlmStats counted the request. */
  outcome: LlmOutcome;
  /** Why it failed, when it did: a transport error, an error object in the stream, a status. */
  error: string | null;
  /** The Retry-After header of the response, if it had one (shed load usually does). */
  retryAfter: string | null;
}

/** What `embedding()` resolves to. */
export interface EmbeddingResult {
  /** `data[i].embedding` of the answer. */
  embeddings: number[][];
  usage: { prompt_tokens: number; total_tokens?: number } | null;
  status: number;
  /** Ms from sending to the last byte. */
  e2e: number;
}

/** Judges a response after its body is read: call `response.success()` or `response.failure()`. */
export type LlmCatchResponse<R> = (response: HttpResponse, result: R) => unknown;

export interface LlmRequestOptions<R = LlmResult> {
  /** The entry name in the request statistics and in LlmStats. @default the request path */
  name?: string;
  /**
   * Decides success or failure in the request statistics, with the result at hand. Without
   * it: 2xx succeeds, shed load (503, 429) succeeds unless `shedIsFailure`, an error object in
   * a stream fails, anything else goes by its status.
   */
  catchResponse?: LlmCatchResponse<R>;
  /** Extra request headers. */
  headers?: RequestHeaders;
  /** Seconds the whole request may take, to the last byte of a stream (HttpRequestOptions.timeout). */
  timeout?: number;
}

/** Statuses by which a server says it is overloaded (Ollama and vLLM send 503, others 429). */
export function isShed(status: number): boolean {
  return status === 503 || status === 429;
}

const NO_OPTIONS = Object.freeze({});

/**
 * A user of an OpenAI-compatible server. `this.chat(body)`, `this.completion(body)` and
 * `this.embedding(body)` send the body to `/v1/chat/completions`, `/v1/completions` and
 * `/v1/embeddings` (without the `/v1` when the base URL already ends with a version, as
 * OPENAI_BASE_URL does), record the HTTP request like any other, and record the token metrics
 * of chat and completions in the environment's LlmStats (see LLM_METRICS.md).
 *
 * The base URL is `--host`, else the class's `host`, else `OPENAI_BASE_URL`. `apiKey`
 * (default `OPENAI_API_KEY`) is sent as `Authorization: Bearer`.
 */
export class OpenAIUser extends HttpUser {
  static override abstract = true;

  /** Sent as `Authorization: Bearer <apiKey>` unless the request sets Authorization. */
  apiKey: string | undefined = process.env['OPENAI_API_KEY'] || undefined;
  /**
   * Count shed load (503, 429) as failures in the request statistics. Off by default: a run
   * that drives a server into saturation should not read as failed for the refusals it
   * provoked; LlmStats counts them as shed either way.
   */
  shedIsFailure = false;

  constructor(environment: Environment) {
    super(environment);
    // A subclass's `host = '...'` field is assigned after this runs, so it still wins.
    const base = process.env['OPENAI_BASE_URL'];
    if (base && !this.host && !(this.constructor as typeof OpenAIUser).host) this.host = base;
  }

  /** POST /v1/chat/completions; streamed when `body.stream` is true. */
  chat(body: OpenAIBody, options: LlmRequestOptions = NO_OPTIONS): Promise<LlmResult> {
    return this.#generate('chat', body, options);
  }

  /** POST /v1/completions; streamed when `body.stream` is true. */
  completion(body: OpenAIBody, options: LlmRequestOptions = NO_OPTIONS): Promise<LlmResult> {
    return this.#generate('completion', body, options);
  }

  /** POST /v1/embeddings. Recorded in the request statistics only (there is no generation). */
  async embedding(body: OpenAIBody, options: LlmRequestOptions<EmbeddingResult> = NO_OPTIONS): Promise<EmbeddingResult> {
    const path = this.apiPath('embeddings');
    let result: EmbeddingResult = { embeddings: [], usage: null, status: 0, e2e: 0 };
    await this.client.post(path, {
      json: body,
      name: options.name,
      headers: this.#headers(options.headers),
      timeout: options.timeout,
      catchResponse: (response) => {
        result = readEmbedding(response);
        return this.#judge(response, result, options.catchResponse, undefined);
      },
    });
    return result;
  }

  /** The path of an API endpoint under the base URL: `/v1/<endpoint>`, or `/<endpoint>` after a version. */
  apiPath(endpoint: string): string {
    const base = this.client.baseUrl;
    let path = '';
    try {
      path = new URL(base).pathname.replace(/\/+$/, '');
    } catch {
      // The session already rejected an unusable base URL.
    }
    return /\/v\d+$/.test(path) ? `/${endpoint}` : `/v1/${endpoint}`;
  }

  async #generate(kind: GenerationKind, body: OpenAIBody, options: LlmRequestOptions): Promise<LlmResult> {
    const path = this.apiPath(kind === 'chat' ? 'chat/completions' : 'completions');
    const name = options.name ?? path;
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    const stream = body['stream'] === true;
    // Ask for the usage chunk so output tokens are the server's count, not chunks counted.
    const json = stream && body['stream_options'] === undefined ? { ...body, stream_options: { include_usage: true } } : body;
    const headers = this.#headers(options.headers);
    const startTime = Date.now();
    let result: LlmResult | undefined;
    if (stream) {
      await this.client.post(path, {
        json,
        name,
        headers,
        timeout: options.timeout,
        stream: true,
        catchResponse: async (response) => {
          result = await readStream(response, kind);
          result.retryAfter = headerValue(response, 'retry-after');
          return this.#judge(response, result, options.catchResponse, bodyError(response, result));
        },
      });
    } else {
      await this.client.post(path, {
        json,
        name,
        headers,
        timeout: options.timeout,
        catchResponse: (response) => {
          result = readAnswer(response, kind);
          result.retryAfter = headerValue(response, 'retry-after');
          return this.#judge(response, result, options.catchResponse, bodyError(response, result));
        },
      });
    }
    // Only a reader that threw (a bug, not a server) leaves no result; the request was recorded as failed.
    result ??= emptyResult('the response could not be read');
    // Started in the warm-up or cool-down (or before a reset): left out, as its HTTP request was.
    if (!this.environment.measurement.contains(startTime / 1000)) return result;
    llmStatsOf(this.environment).record({
      name,
      model,
      outcome: result.outcome,
      retryAfter: result.retryAfter !== null,
      startTime,
      e2e: result.timings.e2e,
      ttft: result.timings.ttft ?? undefined,
      itl: stream ? result.timings.itl : undefined,
      inputTokens: result.usage?.prompt_tokens,
      outputTokens: result.outputTokens ?? undefined,
      tokenSource: result.tokenSource,
    });
    return result;
  }

  /** The caller's catchResponse, else the default verdict (see LlmRequestOptions.catchResponse). */
  #judge<R>(response: HttpResponse, result: R, given: LlmCatchResponse<R> | undefined, bodyProblem: string | undefined): unknown {
    if (given) return given(response, result);
    if (isShed(response.status)) {
      if (!this.shedIsFailure) response.success();
    } else if (bodyProblem !== undefined && response.status >= 200 && response.status < 300) {
      response.failure(bodyProblem);
    }
    // Otherwise no verdict: the session judges by the transport error and the status.
    return undefined;
  }

  #headers(given: RequestHeaders | undefined): RequestHeaders | undefined {
    const key = this.apiKey;
    if (!key) return given;
    if (given && Object.keys(given).some((k) => k.toLowerCase() === 'authorization')) return given;
    return { ...given, authorization: `Bearer ${key}` };
  }
}

/** Reads a streamed generation: content deltas, their times, the usage chunk, `[DONE]`. */
async function readStream(response: StreamedResponse, kind: GenerationKind): Promise<LlmResult> {
  const start = response.timings.start;
  const status = response.status;
  if (status < 200 || status >= 300) {
    return finish(status, '', null, performance.now() - start, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  }
  const parts: string[] = [];
  const itl: number[] = [];
  let ttft: number | null = null;
  let last = 0;
  let usage: Usage | null = null;
  let chunks = 0;
  let streamError: string | undefined;
  for await (const event of response.events()) {
    if (event.data === '[DONE]') break;
    const chunk = parseChunk(event.data, kind);
    if (chunk === undefined) continue;
    if (chunk.error !== undefined) streamError ??= chunk.error;
    if (chunk.usage !== undefined) usage = chunk.usage;
    if (chunk.content === '') continue;
    chunks++;
    parts.push(chunk.content);
    if (ttft === null) {
      ttft = response.markFirstToken();
      last = ttft;
    } else {
      const now = performance.now() - start;
      itl.push(now - last);
      last = now;
    }
  }
  const e2e = performance.now() - start;
  // A body that broke off has its error set by the time the loop ends.
  const error = streamError ?? response.error?.message;
  return finish(status, parts.join(''), usage, e2e, ttft, itl, chunks, true, error);
}

/** Reads a buffered (non-streamed) generation. */
function readAnswer(response: HttpResponse, kind: GenerationKind): LlmResult {
  const status = response.status;
  const ok = status >= 200 && status < 300 && response.error === undefined;
  if (!ok) return finish(status, '', null, response.elapsed, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return finish(status, '', null, response.elapsed, null, [], 0, false, 'the answer is not JSON');
  }
  const answer = parseAnswer(body, kind);
  return finish(status, answer.content, answer.usage ?? null, response.elapsed, null, [], 0, false, answer.error);
}

/** Builds a result; output tokens come from usage, else from the content chunks of a stream. */
function finish(
  status: number,
  text: string,
  usage: Usage | null,
  e2e: number,
  ttft: number | null,
  itl: number[],
  chunks: number,
  streamed: boolean,
  error: string | undefined,
): LlmResult {
  const outcome: LlmOutcome = isShed(status) ? 'shed' : status >= 200 && status < 300 && error === undefined ? 'success' : 'failure';
  const tokenSource: TokenSource = usage ? 'usage' : streamed ? 'chunks' : 'none';
  const outputTokens = usage ? usage.completion_tokens : streamed ? chunks : null;
  return { text, usage, timings: { ttft, e2e, itl }, status, outputTokens, tokenSource, outcome, error: error ?? null, retryAfter: null };
}

/**
 * What the body of a 2xx answer said was wrong (an error object, an answer that is not JSON);
 * undefined for a transport error, which the session records as itself.
 */
function bodyError(response: HttpResponse, result: LlmResult): string | undefined {
  return response.error === undefined ? (result.error ?? undefined) : undefined;
}

function headerValue(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function emptyResult(error: string): LlmResult {
  return finish(0, '', null, 0, null, [], 0, false, error);
}

function readEmbedding(response: HttpResponse): EmbeddingResult {
  const result: EmbeddingResult = { embeddings: [], usage: null, status: response.status, e2e: response.elapsed };
  if (response.status < 200 || response.status >= 300 || response.error) return result;
  try {
    const body: unknown = response.json();
    if (typeof body !== 'object' || body === null) return result;
    const { data, usage } = body as { data?: unknown; usage?: unknown };
    if (Array.isArray(data)) {
      for (const item of data) {
        const embedding = (item as { embedding?: unknown } | null)?.embedding;
        if (Array.isArray(embedding)) result.embeddings.push(embedding as number[]);
      }
    }
    if (typeof usage === 'object' && usage !== null && typeof (usage as { prompt_tokens?: unknown }).prompt_tokens === 'number') {
      result.usage = usage as EmbeddingResult['usage'];
    }
  } catch {
    // Not JSON: the caller's catchResponse can say so; by default the status decides.
  }
  return result;
}
