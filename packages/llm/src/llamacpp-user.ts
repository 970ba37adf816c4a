import type { Environment } from '@locusta/core';
import type { HttpResponse, RequestHeaders, StreamedResponse } from '@locusta/http';
import { HttpUser } from '@locusta/http';
import type { LlamaCppFinal } from './llamacpp-chunks.ts';
import { parseLlamaCppChunk } from './llamacpp-chunks.ts';
import { llamaCppStatsOf } from './llamacpp-output.ts';
import type { LlmOutcome, LlmSample, TokenSource } from './llm-entry.ts';
import { isShed, recordGeneration, sampleTimings } from './llm-verdict.ts';
import { TokenClock } from './token-clock.ts';
import type { LlmRequestOptions, LlmTimings } from './openai-user.ts';
import { postGeneration } from './post-generation.ts';

/** A native llama.cpp request body (`prompt`, `n_predict`, `stream`, `cache_prompt`, sampling...): sent as it is, `stream: true` added when absent. */
export type LlamaCppBody = Record<string, unknown>;

/** What `completion()` resolves to. */
export interface LlamaCppResult {
  /** The generated text: the chunks' `content` joined, or the answer's. */
  text: string;
  /** The server's figures from the last chunk (`stop: true`): `timings`, `tokens_evaluated`...; null when none came. */
  final: LlamaCppFinal | null;
  /** TTFT is to the first chunk with text; ITL between such chunks. /completion has no reasoning channel: answer TTFT is TTFT. */
  timings: LlmTimings;
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The output tokens counted in LlmStats (`timings.predicted_n`, else `tokens_predicted`, else chunks with text); null when unknown. */
  outputTokens: number | null;
  tokenSource: TokenSource;
  outcome: LlmOutcome;
  /** Why it failed: a transport error, an `error` object, a body that is not JSON, a stream without its last chunk, a status. */
  error: string | null;
  retryAfter: string | null;
}

const NO_OPTIONS = Object.freeze({});

/** llama.cpp server's own default address (`llama-server` without `--host`/`--port`). */
const DEFAULT_LLAMACPP_URL = 'http://127.0.0.1:8080';

/**
 * A user of llama.cpp server's native API. `this.completion(body)` sends llama.cpp's own
 * request body to `/completion` and streams the answer (server-sent events, one `data:` JSON
 * chunk a token) unless the body says `stream: false`; the server's own default is not to
 * stream, so `stream: true` is added when the body does not say. The request is recorded like
 * any other, and the generation in the LLM table beside OpenAIUser's: TTFT to the first chunk
 * with text, output tokens from the last chunk's `timings.predicted_n`, input tokens from
 * `tokens_evaluated` (cached prompt tokens included); the model is the body's `model`, else the
 * one the answer names, cached tokens from `timings.cache_n`
 * (else `tokens_evaluated - prompt_n`). The last chunk's `timings` go to the llama.cpp server
 * timings family (PREFIX_llamacpp.csv).
 *
 * The base URL is `--host`, else the class's `host`, else llama-server's default `http://127.0.0.1:8080`.
 * llama.cpp's OpenAI routes (`/v1/chat/completions`) are OpenAIUser's.
 */
export class LlamaCppUser extends HttpUser {
  static override abstract = true;

  /** Count shed load (503, 429) as failures in the request statistics; see OpenAIUser.shedIsFailure. */
  shedIsFailure = false;
  /** The model the server last named, for an answer that names none (a failure) to land in the same entry. */
  #servedModel: string | undefined;

  constructor(environment: Environment) {
    super(environment);
    // A subclass's `host = '...'` field is assigned after this runs, so it still wins.
    if (!this.host && !(this.constructor as typeof LlamaCppUser).host) this.host = DEFAULT_LLAMACPP_URL;
  }

  /** POST /completion. */
  async completion(body: LlamaCppBody, options: LlmRequestOptions<LlamaCppResult> = NO_OPTIONS): Promise<LlamaCppResult> {
    const path = '/completion';
    const name = options.name ?? path;
    // llama.cpp serves the model it loaded: without one in the body, the answer names it.
    const given = typeof body['model'] === 'string' ? body['model'] : undefined;
    const modelOf = (r: LlamaCppResult | undefined): string => {
      if (given !== undefined) return given;
      if (r?.final?.model !== undefined) this.#servedModel = r.final.model;
      return this.#servedModel ?? '';
    };
    const stream = body['stream'] !== false;
    const json = body['stream'] === undefined ? { ...body, stream: true } : body;
    const startTime = Date.now();
    const sampleOf = (r: LlamaCppResult): LlmSample => ({
      name,
      model: modelOf(r),
      startTime,
      ...sampleTimings(r, stream),
      inputTokens: r.final?.tokens_evaluated,
      outputTokens: r.outputTokens ?? undefined,
      // No reasoning channel: a model's thinking is part of the text, as in OpenAI text completions.
      reasoningTokens: r.outputTokens === null ? undefined : 0,
      cachedTokens: cachedTokensOf(r.final),
      tokenSource: r.tokenSource,
    });
    let result = await postGeneration(this.client, {
      path, body: json, name, headers: options.headers as RequestHeaders | undefined, timeout: options.timeout, stream,
      readStream, readWhole, sampleOf, catchResponse: options.catchResponse, shedIsFailure: this.shedIsFailure,
    });
    result ??= finish(0, '', null, 0, null, [], 0, false, 'the response could not be read');
    const recorded = recordGeneration(this.environment, sampleOf(result));
    // The server's own timings, for successes as the client's latencies are.
    if (recorded && result.outcome === 'success' && result.final?.timings !== undefined) llamaCppStatsOf(this.environment).record(name, modelOf(result), result.final);
    return result;
  }
}

/** Prompt tokens the server took from its cache: `timings.cache_n`, else those it did not evaluate again. */
function cachedTokensOf(final: LlamaCppFinal | null): number | undefined {
  if (final === null) return undefined;
  const t = final.timings;
  if (t?.cache_n !== undefined) return t.cache_n;
  if (t?.prompt_n === undefined || final.tokens_evaluated === undefined) return undefined;
  return Math.max(0, final.tokens_evaluated - t.prompt_n);
}

/** Reads a streamed answer: `data:` chunks, the last with `stop: true` and the timings. */
async function readStream(response: StreamedResponse): Promise<LlamaCppResult> {
  const start = response.timings.start;
  const status = response.status;
  if (status < 200 || status >= 300) {
    return finish(status, '', null, performance.now() - start, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  }
  const content: string[] = [];
  const clock = new TokenClock(response);
  let final: LlamaCppFinal | null = null;
  let chunks = 0;
  let problem: string | undefined;
  for await (const event of response.events()) {
    // llama.cpp's native stream ends after its last chunk; an OpenAI-style end marker is tolerated.
    if (event.data === '[DONE]') break;
    let value: unknown;
    try {
      value = JSON.parse(event.data);
    } catch {
      problem ??= `a chunk of the stream is not JSON: ${event.data.slice(0, 80)}`;
      continue;
    }
    const chunk = parseLlamaCppChunk(value);
    if (chunk === undefined) {
      problem ??= 'a chunk of the stream is not a JSON object';
      continue;
    }
    if (chunk.error !== undefined) problem ??= chunk.error;
    if (chunk.final !== undefined) final = chunk.final;
    if (chunk.content === '') continue;
    chunks++;
    content.push(chunk.content);
    clock.tick();
  }
  const e2e = performance.now() - start;
  // A body that broke off has its error set by the time the loop ends; llama.cpp writes a
  // failure midway as an `error:` line, which is no `data:`: the last chunk never comes.
  let error = problem ?? response.error?.message;
  if (error === undefined && final === null) error = 'the stream ended without its last chunk (stop: true)';
  const result = finish(status, content.join(''), final, e2e, clock.ttft, clock.itl, chunks, true, error);
  result.timings.answerTtft = clock.ttft;
  return result;
}

/** Reads a whole (`stream: false`) answer. */
function readWhole(response: HttpResponse): LlamaCppResult {
  const status = response.status;
  if (status < 200 || status >= 300 || response.error !== undefined) {
    return finish(status, '', null, response.elapsed, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  }
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return finish(status, '', null, response.elapsed, null, [], 0, false, 'the answer is not JSON');
  }
  const answer = parseLlamaCppChunk(body);
  if (answer === undefined) return finish(status, '', null, response.elapsed, null, [], 0, false, 'the answer is not a JSON object');
  return finish(status, answer.content, answer.final ?? null, response.elapsed, null, [], 0, false, answer.error);
}

/** Builds a result; output tokens are the server's count, else the chunks with text of a stream. */
function finish(
  status: number,
  text: string,
  final: LlamaCppFinal | null,
  e2e: number,
  ttft: number | null,
  itl: number[],
  chunks: number,
  streamed: boolean,
  error: string | undefined,
): LlamaCppResult {
  const outcome: LlmOutcome = isShed(status) ? 'shed' : status >= 200 && status < 300 && error === undefined ? 'success' : 'failure';
  const counted = final?.timings?.predicted_n ?? final?.tokens_predicted;
  const tokenSource: TokenSource = counted !== undefined ? 'usage' : streamed ? 'chunks' : 'none';
  const outputTokens = counted !== undefined ? counted : streamed ? chunks : null;
  return { text, final, timings: { ttft, e2e, itl, answerTtft: null }, status, outputTokens, tokenSource, outcome, error: error ?? null, retryAfter: null };
}
