import type { Environment } from '@locusta/core';
import type { HttpResponse, RequestHeaders, StreamedResponse } from '@locusta/http';
import { HttpUser } from '@locusta/http';
import { ollamaStatsOf } from './ollama-output.ts';
import type { LlmOutcome, LlmSample, TokenSource } from './llm-entry.ts';
import type { OllamaEndpoint, OllamaFinal } from './ollama-chunks.ts';
import { parseOllamaChunk } from './ollama-chunks.ts';
import { isShed, judgeLlmResponse, recordGeneration, sampleTimings } from './llm-verdict.ts';
import { TokenClock } from './token-clock.ts';
import type { LlmRequestOptions, LlmTimings } from './openai-user.ts';
import { expectedOllamaPromptTokens, numPredictOf, ollamaUsageCheck } from './ollama-usage-check.ts';
import { postGeneration } from './post-generation.ts';
import { promptSourceOf, tokenSettingsOf } from './prompt-options.ts';
import type { PromptSource } from './prompt-source.ts';

/** A native Ollama request body (`model`, `messages` or `prompt`, `stream`, `think`, `options`, `keep_alive`...): sent as it is. */
export type OllamaBody = Record<string, unknown>;

/** What `chat()` and `generate()` resolve to. */
export interface OllamaResult {
  /** The answer: `message.content` (chat) or `response` (generate), joined. */
  text: string;
  /** The thinking of a thinking model (`think: true`), joined; '' without. */
  thinking: string;
  /** The server's figures from the last object (`done: true`); null when none came. */
  final: OllamaFinal | null;
  /**
   * TTFT is to the first chunk with thinking or answer text, answer TTFT to the first with answer
   * text (after the thinking); ITL between such chunks.
   */
  timings: LlmTimings;
  /** Streamed chunks that carried thinking: the thinking tokens, one a chunk as Ollama streams. */
  thinkingChunks: number;
  /** Streamed chunks that carried thinking or answer text (0 when not streamed). */
  chunks: number;
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The output tokens counted in LlmStats (`eval_count`, else non-empty chunks); null when unknown. */
  outputTokens: number | null;
  tokenSource: TokenSource;
  outcome: LlmOutcome;
  /** Why it failed: a transport error, an `error` line, a line that is not JSON, a status. */
  error: string | null;
  retryAfter: string | null;
}

/** What `embed()` resolves to. */
export interface OllamaEmbedResult {
  embeddings: number[][];
  /** The server's figures (`prompt_eval_count`, durations in ns), when it sent them. */
  final: OllamaFinal | null;
  status: number;
  /** Ms from sending to the last byte. */
  e2e: number;
}

const NO_OPTIONS = Object.freeze({});

/** Ollama's own default address, as its clients use when OLLAMA_HOST is not set. */
const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

/**
 * A user of Ollama's native API. `this.chat(body)`, `this.generate(body)` and
 * `this.embed(body)` send Ollama's own request bodies to `/api/chat`, `/api/generate` and
 * `/api/embed`; like Ollama, chat and generate stream (NDJSON) unless `stream: false`. Each
 * request is recorded in the request statistics, and chat and generate in the LLM table
 * beside OpenAIUser's: TTFT to the first chunk with thinking or answer text, output tokens
 * from the server's `eval_count` (thinking included), input tokens from `prompt_eval_count`.
 *
 * The base URL is `--host`, else the class's `host`, else `OLLAMA_HOST` (which, as Ollama
 * reads it, may omit the scheme), else Ollama's default `http://127.0.0.1:11434`.
 *
 * The run's prompts (`--prompt-tokens`, `--dataset`, `--output-tokens`...) come from
 * `this.promptSource`, as OpenAIUser's: `this.chat(ollamaChatBody(model, this.promptSource.next()))`.
 */
export class OllamaUser extends HttpUser {
  static override abstract = true;

  /** Count shed load (503, 429) as failures in the request statistics; see OpenAIUser.shedIsFailure. */
  shedIsFailure = false;
  /**
   * Check each answer's `prompt_eval_count` and `eval_count` (LLM_METRICS.md, "Token counts
   * checked"). Undefined: when the run set `--tokenizer`, `--prompt-tokens`, `--prefix-tokens`
   * or `--dataset`, as OpenAIUser.checkUsage.
   */
  checkUsage: boolean | undefined = undefined;

  constructor(environment: Environment) {
    super(environment);
    // A subclass's `host = '...'` field is assigned after this runs, so it still wins.
    if (!this.host && !(this.constructor as typeof OllamaUser).host) this.host = ollamaUrl(process.env['OLLAMA_HOST']);
  }

  /**
   * The run's prompts, shared by the users of the process (see OpenAIUser.promptSource):
   * `ollamaChatBody(model, this.promptSource.next())` or `ollamaGenerateBody(...)`, whose
   * `--output-tokens` becomes `options.num_predict`.
   */
  get promptSource(): PromptSource {
    return promptSourceOf(this.environment);
  }

  /** POST /api/chat. */
  chat(body: OllamaBody, options: LlmRequestOptions<OllamaResult> = NO_OPTIONS): Promise<OllamaResult> {
    return this.#generate('chat', body, options);
  }

  /** POST /api/generate. */
  generate(body: OllamaBody, options: LlmRequestOptions<OllamaResult> = NO_OPTIONS): Promise<OllamaResult> {
    return this.#generate('generate', body, options);
  }

  /** POST /api/embed (`input`: a string or an array of strings). Recorded in the request statistics only. */
  async embed(body: OllamaBody, options: LlmRequestOptions<OllamaEmbedResult> = NO_OPTIONS): Promise<OllamaEmbedResult> {
    let result: OllamaEmbedResult = { embeddings: [], final: null, status: 0, e2e: 0 };
    await this.client.post('/api/embed', {
      json: body,
      name: options.name,
      headers: options.headers,
      timeout: options.timeout,
      catchResponse: (response) => {
        result = readEmbed(response);
        return judgeLlmResponse(response, result, options.catchResponse, undefined, this.shedIsFailure);
      },
    });
    return result;
  }

  async #generate(endpoint: OllamaEndpoint, body: OllamaBody, options: LlmRequestOptions<OllamaResult>): Promise<OllamaResult> {
    const path = `/api/${endpoint}`;
    const name = options.name ?? path;
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    const stream = body['stream'] !== false;
    const settings = tokenSettingsOf(this.environment);
    const check = this.checkUsage ?? settings.checkUsage;
    const expected = check ? expectedOllamaPromptTokens(settings.tokenizer, endpoint, body) : undefined;
    const numPredict = numPredictOf(body);
    // The cached prompt tokens the answer reported, and the check of its counts (successes only).
    const countsOf = (r: OllamaResult): Pick<LlmSample, 'cachedTokens' | 'expectedInputTokens' | 'usageMismatch'> => {
      if (r.final === null) return {};
      if (check && r.outcome === 'success') {
        return ollamaUsageCheck({ final: r.final, expected, numPredict, chunks: stream ? r.chunks : undefined, tolerance: settings.usageTolerance });
      }
      const cached = r.final.prompt_eval_cached_count;
      return cached === undefined ? {} : { cachedTokens: cached };
    };
    const startTime = Date.now();
    // Built once the body is read: noted on the response for the request event's listeners
    // (the requests log), then recorded in LlmStats.
    const sampleOf = (r: OllamaResult): LlmSample => ({
      name,
      model,
      startTime,
      ...sampleTimings(r, stream),
      inputTokens: r.final?.prompt_eval_count,
      outputTokens: r.outputTokens ?? undefined,
      reasoningTokens: reasoningTokensOf(r, stream),
      ...countsOf(r),
      tokenSource: r.tokenSource,
    });
    let result = await postGeneration(this.client, {
      path, body, name, headers: options.headers as RequestHeaders | undefined, timeout: options.timeout, stream,
      readStream: (response) => readStream(response, endpoint), readWhole: (response) => readWhole(response, endpoint),
      sampleOf, catchResponse: options.catchResponse, shedIsFailure: this.shedIsFailure,
    });
    result ??= finish(0, '', '', null, 0, null, [], 0, false, 'the response could not be read');
    const recorded = recordGeneration(this.environment, sampleOf(result));
    // The server's own timings, for successes as the client's latencies are.
    if (recorded && result.outcome === 'success' && result.final !== null) ollamaStatsOf(this.environment).record(name, model, result.final);
    return result;
  }
}

/** OLLAMA_HOST as Ollama reads it: `host:port`, `:port` or a URL; the default when unset. */
function ollamaUrl(value: string | undefined): string {
  const given = value?.trim();
  if (!given) return DEFAULT_OLLAMA_URL;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) return given;
  return `http://${given.startsWith(':') ? `127.0.0.1${given}` : given}`;
}

/** Reads a streamed answer: one object a line, the last with `done: true`. */
async function readStream(response: StreamedResponse, endpoint: OllamaEndpoint): Promise<OllamaResult> {
  const start = response.timings.start;
  const status = response.status;
  if (status < 200 || status >= 300) {
    return finish(status, '', '', null, performance.now() - start, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  }
  const content: string[] = [];
  const thinking: string[] = [];
  const clock = new TokenClock(response);
  let final: OllamaFinal | null = null;
  let chunks = 0;
  let thinkingChunks = 0;
  let answerTtft: number | null = null;
  let problem: string | undefined;
  for await (const item of response.ndjson()) {
    if (!item.ok) {
      // Reading goes on: one bad line fails the request without losing the counts after it.
      problem ??= `a line of the stream is not JSON (${item.error}): ${item.line.slice(0, 80)}`;
      continue;
    }
    const chunk = parseOllamaChunk(item.value, endpoint);
    if (chunk === undefined) {
      problem ??= 'a line of the stream is not a JSON object';
      continue;
    }
    if (chunk.error !== undefined) problem ??= chunk.error;
    if (chunk.final !== undefined) final = chunk.final;
    if (chunk.thinking === '' && chunk.content === '') continue;
    chunks++;
    if (chunk.thinking !== '') {
      thinking.push(chunk.thinking);
      thinkingChunks++;
    }
    if (chunk.content !== '') {
      content.push(chunk.content);
      answerTtft ??= performance.now() - start;
    }
    clock.tick();
  }
  const e2e = performance.now() - start;
  // A body that broke off has its error set by the time the loop ends.
  let error = problem ?? response.error?.message;
  if (error === undefined && final === null) error = 'the stream ended without its last object (done: true)';
  const result = finish(status, content.join(''), thinking.join(''), final, e2e, clock.ttft, clock.itl, chunks, true, error);
  // The first chunk's own time is TTFT: an answer with no thinking has the same two.
  result.timings.answerTtft = answerTtft === null ? null : thinkingChunks === 0 ? clock.ttft : answerTtft;
  result.thinkingChunks = thinkingChunks;
  return result;
}

/** Reads a whole (`stream: false`) answer. */
function readWhole(response: HttpResponse, endpoint: OllamaEndpoint): OllamaResult {
  const status = response.status;
  if (status < 200 || status >= 300 || response.error !== undefined) {
    return finish(status, '', '', null, response.elapsed, null, [], 0, false, response.error?.message ?? `HTTP ${status}`);
  }
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return finish(status, '', '', null, response.elapsed, null, [], 0, false, 'the answer is not JSON');
  }
  const answer = parseOllamaChunk(body, endpoint);
  if (answer === undefined) return finish(status, '', '', null, response.elapsed, null, [], 0, false, 'the answer is not a JSON object');
  return finish(status, answer.content, answer.thinking, answer.final ?? null, response.elapsed, null, [], 0, false, answer.error);
}

/** Builds a result; output tokens are `eval_count`, else the non-empty chunks of a stream. */
function finish(
  status: number,
  text: string,
  thinking: string,
  final: OllamaFinal | null,
  e2e: number,
  ttft: number | null,
  itl: number[],
  chunks: number,
  streamed: boolean,
  error: string | undefined,
): OllamaResult {
  const outcome: LlmOutcome = isShed(status) ? 'shed' : status >= 200 && status < 300 && error === undefined ? 'success' : 'failure';
  const evalCount = final?.eval_count;
  const tokenSource: TokenSource = evalCount !== undefined ? 'usage' : streamed ? 'chunks' : 'none';
  const outputTokens = evalCount !== undefined ? evalCount : streamed ? chunks : null;
  return { text, thinking, final, timings: { ttft, e2e, itl, answerTtft: null }, thinkingChunks: 0, chunks, status, outputTokens, tokenSource, outcome, error: error ?? null, retryAfter: null };
}

/**
 * The thinking tokens among the output tokens: one a streamed chunk, as Ollama streams them (at
 * most the output tokens); a whole answer tells only that it had none.
 */
function reasoningTokensOf(result: OllamaResult, streamed: boolean): number | undefined {
  if (result.outputTokens === null) return undefined;
  if (streamed) return Math.min(result.thinkingChunks, result.outputTokens);
  return result.thinking === '' ? 0 : undefined;
}



function readEmbed(response: HttpResponse): OllamaEmbedResult {
  const result: OllamaEmbedResult = { embeddings: [], final: null, status: response.status, e2e: response.elapsed };
  if (response.status < 200 || response.status >= 300 || response.error) return result;
  try {
    const body: unknown = response.json();
    if (typeof body !== 'object' || body === null) return result;
    const embeddings = (body as { embeddings?: unknown }).embeddings;
    if (Array.isArray(embeddings)) for (const e of embeddings) if (Array.isArray(e)) result.embeddings.push(e as number[]);
    // The embed answer has the final object's numbers (no done): read them the same way.
    result.final = parseOllamaChunk({ ...body, done: true }, 'generate')?.final ?? null;
  } catch {
    // Not JSON: the caller's catchResponse can say so; by default the status decides.
  }
  return result;
}
