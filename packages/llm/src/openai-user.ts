import type { Environment } from '@locusta/core';
import type { HttpResponse, RequestHeaders, StreamedResponse } from '@locusta/http';
import { HttpUser } from '@locusta/http';
import type { LlmCatchResponse } from './llm-verdict.ts';
import { isShed, judgeGeneration, judgeLlmResponse, recordGeneration, retryAfterOf, sampleTimings } from './llm-verdict.ts';
import type { LlmOutcome, LlmSample, TokenSource } from './llm-entry.ts';
import { noteLlmSample } from './request-samples.ts';
import type { LlamaCppTimings } from './llamacpp-chunks.ts';
import { llamaCppStatsOf } from './llamacpp-output.ts';
import type { GenerationKind, Usage } from './openai-chunks.ts';
import { parseAnswer, parseChunk } from './openai-chunks.ts';
import { promptSourceOf, tokenSettingsOf } from './prompt-options.ts';
import type { PromptSource } from './prompt-source.ts';
import { expectedPromptTokens, isUsageMismatch } from './usage-check.ts';

/** An OpenAI request body: passed on as it is (streamed chat and completions may get `stream_options`). */
export type OpenAIBody = Record<string, unknown>;

/** Client-side times of a generation, in ms after the request was sent. */
export interface LlmTimings {
  /**
   * To the first output chunk: content, reasoning or tool calls, whichever came first (vLLM's
   * TTFT); null when not streamed or no output came.
   */
  ttft: number | null;
  /**
   * To the first answer chunk: content or tool calls, reasoning not included. Equal to `ttft`
   * for a model that does not reason; null when not streamed or no answer came.
   */
  answerTtft: number | null;
  /** To `[DONE]` (or the end of the body) when streamed, else to the last byte. */
  e2e: number;
  /** Gaps between consecutive output chunks, reasoning included (empty when not streamed). */
  itl: number[];
}

/** What `chat()` and `completion()` resolve to. */
export interface LlmResult {
  /** The generated text: the content deltas joined, or the answer's content. */
  text: string;
  /** The reasoning text: the reasoning deltas joined, or the message's reasoning; '' when none. */
  reasoning: string;
  /** The server's usage, when it sent one. */
  usage: Usage | null;
  timings: LlmTimings;
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The output tokens counted in LlmStats, reasoning included (usage, else output chunks); null when unknown. */
  outputTokens: number | null;
  /**
   * How many of the output tokens were reasoning: usage's `completion_tokens_details`, else
   * the reasoning chunks of a stream, else 0 for an answer without reasoning text; null when unknown.
   */
  reasoningTokens: number | null;
  /** Output tokens minus reasoning tokens; null when either is unknown. */
  answerTokens: number | null;
  tokenSource: TokenSource;
  /** How LlmStats counted the request. */
  outcome: LlmOutcome;
  /** Why it failed, when it did: a transport error, an error object in the stream, a status. */
  error: string | null;
  /** The Retry-After header of the response, if it had one (shed load usually does). */
  retryAfter: string | null;
  /** llama.cpp's `timings` of the answer (its last chunk's, when streamed); null from other servers. */
  serverTimings?: LlamaCppTimings | null;
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
  /**
   * Compare each answer's `usage.prompt_tokens` with the tokenizer's count of the prompt sent
   * (LLM_METRICS.md, "Token counts checked"). Undefined: when the run set `--tokenizer`,
   * `--prompt-tokens`, `--prefix-tokens` or `--dataset`.
   */
  checkUsage: boolean | undefined = undefined;

  constructor(environment: Environment) {
    super(environment);
    // A subclass's `host = '...'` field is assigned after this runs, so it still wins.
    const base = process.env['OPENAI_BASE_URL'];
    if (base && !this.host && !(this.constructor as typeof OpenAIUser).host) this.host = base;
  }

  /**
   * The run's prompts: synthetic ones of exactly `--prompt-tokens` tokens (after a shared
   * `--prefix-tokens` prefix), or picks from `--dataset`, with `--output-tokens`; seeded by
   * `--seed`. Shared by the users of the process: `chatBody(model, this.promptSource.next())`.
   * Its `tokenizer` is the run's (`--tokenizer`, else the built-in o200k_base).
   */
  get promptSource(): PromptSource {
    return promptSourceOf(this.environment);
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
        return judgeLlmResponse(response, result, options.catchResponse, undefined, this.shedIsFailure);
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
    const settings = tokenSettingsOf(this.environment);
    const expected = (this.checkUsage ?? settings.checkUsage) ? expectedPromptTokens(settings.tokenizer, kind, body) : undefined;
    const startTime = Date.now();
    let result: LlmResult | undefined;
    // Built once the body is read: noted on the response for the request event's listeners
    // (the requests log), then recorded in LlmStats.
    const sampleOf = (r: LlmResult): LlmSample => ({
      name,
      model,
      startTime,
      ...sampleTimings(r, stream),
      inputTokens: r.usage?.prompt_tokens,
      outputTokens: r.outputTokens ?? undefined,
      reasoningTokens: r.reasoningTokens ?? undefined,
      cachedTokens: r.usage?.prompt_tokens_details?.cached_tokens,
      ...usageCheck(r, expected, settings.usageTolerance),
      tokenSource: r.tokenSource,
    });
    if (stream) {
      await this.client.post(path, {
        json,
        name,
        headers,
        timeout: options.timeout,
        stream: true,
        catchResponse: async (response) => {
          result = await readStream(response, kind);
          result.retryAfter = retryAfterOf(response);
          noteLlmSample(response, sampleOf(result));
          return judgeGeneration(response, result, options.catchResponse, this.shedIsFailure);
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
          result.retryAfter = retryAfterOf(response);
          noteLlmSample(response, sampleOf(result));
          return judgeGeneration(response, result, options.catchResponse, this.shedIsFailure);
        },
      });
    }
    // Only a reader that threw (a bug, not a server) leaves no result; the request was recorded as failed.
    result ??= emptyResult('the response could not be read');
    const recorded = recordGeneration(this.environment, sampleOf(result));
    // llama.cpp's own timings, when its OpenAI routes sent them: the llama.cpp server family.
    const timings = result.serverTimings;
    if (recorded && result.outcome === 'success' && timings) {
      llamaCppStatsOf(this.environment).record(name, model, {
        timings,
        tokens_evaluated: result.usage?.prompt_tokens,
        tokens_predicted: result.usage?.completion_tokens,
        tokens_cached: undefined,
        stop_type: undefined,
      });
    }
    return result;
  }

  #headers(given: RequestHeaders | undefined): RequestHeaders | undefined {
    const key = this.apiKey;
    if (!key) return given;
    if (given && Object.keys(given).some((k) => k.toLowerCase() === 'authorization')) return given;
    return { ...given, authorization: `Bearer ${key}` };
  }
}

/** Reads a streamed generation: content, reasoning and tool-call deltas, their times, the usage chunk, `[DONE]`. */
async function readStream(response: StreamedResponse, kind: GenerationKind): Promise<LlmResult> {
  const start = response.timings.start;
  const status = response.status;
  if (status < 200 || status >= 300) {
    return finish({ status, e2e: performance.now() - start, streamed: false, error: response.error?.message ?? `HTTP ${status}` });
  }
  const parts: string[] = [];
  const thoughts: string[] = [];
  const itl: number[] = [];
  let ttft: number | null = null;
  let answerTtft: number | null = null;
  let last = 0;
  let usage: Usage | null = null;
  let chunks = 0;
  let reasoningChunks = 0;
  let streamError: string | undefined;
  let serverTimings: LlamaCppTimings | null = null;
  // Each token is timed by the arrival of the bytes that carried it. Every chunk is parsed with
  // JSON.parse: a scanner of the usual chat chunk written in JavaScript measured no faster
  // (about 0.9 µs a chunk either way on Node 20), so the full parse, always right, stays.
  await response.readEvents((event, at) => {
    if (event.data === '[DONE]') return false;
    const chunk = parseChunk(event.data, kind);
    if (chunk === undefined) return true;
    if (chunk.error !== undefined) streamError ??= chunk.error;
    if (chunk.usage !== undefined) usage = chunk.usage;
    if (chunk.timings !== undefined) serverTimings = chunk.timings;
    // Reasoning, tool calls and content are all generated tokens: each such chunk is one
    // output chunk for TTFT, ITL and the chunk count; only content and tool calls are the answer.
    const answer = chunk.content !== '' || chunk.toolCalls;
    if (!answer && chunk.reasoning === '') return true;
    chunks++;
    if (chunk.content !== '') parts.push(chunk.content);
    if (chunk.reasoning !== '') thoughts.push(chunk.reasoning);
    if (!answer) reasoningChunks++;
    if (ttft === null) ttft = response.markFirstToken(at);
    else itl.push(at - last);
    last = at;
    if (answer && answerTtft === null) answerTtft = at;
    return true;
  });
  const e2e = performance.now() - start;
  // A body that broke off has its error set by the time the loop ends.
  const error = streamError ?? response.error?.message;
  const result = finish({
    status,
    text: parts.join(''),
    reasoning: thoughts.join(''),
    usage,
    e2e,
    ttft,
    answerTtft,
    itl,
    chunks,
    reasoningChunks,
    streamed: true,
    error,
  });
  result.serverTimings = serverTimings;
  return result;
}

/** Reads a buffered (non-streamed) generation. */
function readAnswer(response: HttpResponse, kind: GenerationKind): LlmResult {
  const status = response.status;
  const ok = status >= 200 && status < 300 && response.error === undefined;
  if (!ok) return finish({ status, e2e: response.elapsed, streamed: false, error: response.error?.message ?? `HTTP ${status}` });
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return finish({ status, e2e: response.elapsed, streamed: false, error: 'the answer is not JSON' });
  }
  const answer = parseAnswer(body, kind);
  const result = finish({
    status,
    text: answer.content,
    reasoning: answer.reasoning,
    usage: answer.usage ?? null,
    e2e: response.elapsed,
    streamed: false,
    error: answer.error,
  });
  result.serverTimings = answer.timings ?? null;
  return result;
}

/** What a reader found; `finish` turns it into a result. */
interface ReadOutcome {
  status: number;
  text?: string;
  reasoning?: string;
  usage?: Usage | null;
  e2e: number;
  ttft?: number | null;
  answerTtft?: number | null;
  itl?: number[];
  /** Output chunks of a stream (content, reasoning or tool calls), and those of reasoning only. */
  chunks?: number;
  reasoningChunks?: number;
  streamed: boolean;
  error: string | undefined;
}

/**
 * Builds a result. Output tokens come from usage, else from the output chunks of a stream.
 * Reasoning tokens come from usage's `completion_tokens_details`, else from the reasoning
 * chunks of a stream (one token each, as vLLM, llama.cpp and Ollama send them), else 0 for an
 * answer with no reasoning text; unknown for one with reasoning text and no count.
 */
function finish(o: ReadOutcome): LlmResult {
  const { status, streamed } = o;
  const usage = o.usage ?? null;
  const reasoningText = o.reasoning ?? '';
  const outcome: LlmOutcome = isShed(status) ? 'shed' : status >= 200 && status < 300 && o.error === undefined ? 'success' : 'failure';
  const tokenSource: TokenSource = usage ? 'usage' : streamed ? 'chunks' : 'none';
  const outputTokens = usage ? usage.completion_tokens : streamed ? (o.chunks ?? 0) : null;
  let reasoningTokens: number | null = usage?.completion_tokens_details?.reasoning_tokens ?? null;
  if (reasoningTokens === null && outputTokens !== null) {
    if (streamed) reasoningTokens = Math.min(o.reasoningChunks ?? 0, outputTokens);
    else if (reasoningText === '') reasoningTokens = 0;
  }
  const answerTokens = reasoningTokens !== null && outputTokens !== null ? outputTokens - reasoningTokens : null;
  return {
    text: o.text ?? '',
    reasoning: reasoningText,
    usage,
    timings: { ttft: o.ttft ?? null, answerTtft: o.answerTtft ?? null, e2e: o.e2e, itl: o.itl ?? [] },
    status,
    outputTokens,
    reasoningTokens,
    answerTokens,
    tokenSource,
    outcome,
    error: o.error ?? null,
    retryAfter: null,
  };
}



/** The check of a success's prompt tokens, when the run checks and the server sent them. */
function usageCheck(r: LlmResult, expected: number | undefined, tolerance: number): Pick<LlmSample, 'expectedInputTokens' | 'usageMismatch'> {
  const got = r.usage?.prompt_tokens;
  if (expected === undefined || r.outcome !== 'success' || typeof got !== 'number') return {};
  return { expectedInputTokens: expected, usageMismatch: isUsageMismatch(got, expected, tolerance) };
}

function emptyResult(error: string): LlmResult {
  return finish({ status: 0, e2e: 0, streamed: false, error });
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
