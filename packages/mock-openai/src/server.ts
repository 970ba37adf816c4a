/**
 * The HTTP server: routing, admission (capacity / error rate), counters. Timing and token
 * counts come from `latency.ts`; wire shapes from `protocol.ts` and `stream-chunks.ts`;
 * streamed answers are paced by `token-stream.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf } from '@locusta/core';
import { createRng, DEFAULT_JITTER_SPREAD, estimateTokens, fnv1a, jitterFactor, planGeneration, streamTokenRate } from './latency.ts';
import type { GenerationPlan } from './latency.ts';
import { DEFAULT_MODELS, findModel } from './models.ts';
import type { ModelSpec } from './models.ts';
import {
  OLLAMA_BUSY_MESSAGE,
  InvalidRequestError,
  errorBody,
  modelObject,
  parseChatRequest,
  parseCompletionRequest,
  parseJsonObject,
  usage,
} from './protocol.ts';
import type { ChatCompletion, GenerationRequest, ReasoningField, TextCompletion } from './protocol.ts';
import {
  NDJSON_TYPE,
  OllamaRequestError,
  embedTokens,
  embeddingOf,
  ndjsonChunks,
  ollamaError,
  ollamaPlan,
  ollamaTimings,
  parseEmbedRequest,
  parseOllamaRequest,
  tagsBody,
  wholeAnswer,
} from './ollama-protocol.ts';
import type { OllamaPlan, OllamaPromptCount, OllamaRequest } from './ollama-protocol.ts';
import type { LlamaCppRequest } from './llamacpp-protocol.ts';
import { llamaCppChunks, llamaCppFinal, llamaCppTimings, parseLlamaCppRequest } from './llamacpp-protocol.ts';
import type { ChunkWriter } from './stream-chunks.ts';
import { PrefixCache } from './prefix-cache.ts';
import { chatChunks, textChunks, tokenize } from './stream-chunks.ts';
import { fillerText } from './text.ts';
import { streamTokens } from './token-stream.ts';
import type { TokenStreamOptions } from './token-stream.ts';

export interface MockServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Generation requests allowed in flight at once; the next one gets 503. Default 16. */
  capacity?: number;
  /** Divides every modelled latency: 50 makes a 1 s request take 20 ms. Default 1. */
  speed?: number;
  /** Seed for latency jitter and simulated errors. Default 1. */
  seed?: number;
  /** Fraction (0..1) of admitted generation requests answered with 500. Default 0. */
  errorRate?: number;
  /** Every generation request takes exactly this long (no model, jitter, speed or concurrency). */
  fixedLatencyMs?: number;
  /** Replaces the model table. Default `DEFAULT_MODELS`. */
  models?: readonly ModelSpec[];
  /**
   * Tokens per second the whole server decodes at speed 1 (scaled by `speed`), shared equally
   * by the streams decoding at once: each gets min(its model's rate, budget / streams).
   * Default: no shared limit.
   */
  tokenBudget?: number;
  /** Write a `: ping` comment to every open stream this often (ms). Default: never. */
  pingIntervalMs?: number;
  /**
   * Spread of the seeded latency jitter: latencies vary by +-jitter (0.1 = +-10%, the default).
   * 0 makes every latency and rate a function of the request alone (deterministic mode).
   */
  jitter?: number;
  /**
   * Reasoning mode: every chat answer starts with this many reasoning tokens (within
   * `max_tokens`), streamed as reasoning deltas before the first content delta, at the same
   * pace, and reported in `usage.completion_tokens_details.reasoning_tokens`. Default 0 (off).
   */
  reasoningTokens?: number;
  /** The delta and message field of reasoning text. Default `reasoning_content`. */
  reasoningField?: ReasoningField;
  /**
   * Counts the tokens of a text: each chat message's content, or a completion's prompt, is
   * counted and the counts added (no chat template). Give it the client's tokenizer and
   * `usage.prompt_tokens` is that tokenizer's count. Default: about 4 characters a token.
   */
  countTokens?: (text: string) => number;
  /**
   * Report `usage.prompt_tokens_details.cached_tokens` from a prefix cache (the rule in
   * prefix-cache.ts), and prefill only the prompt tokens not in it. Default false.
   */
  prefixCache?: boolean;
  /**
   * How Ollama's native answers count a prompt partly served from the prefix cache in
   * `prompt_eval_count`: `whole` (default: the whole prompt, the cached part in
   * `prompt_eval_cached_count`, as current Ollama) or `evaluated` (only the tokens evaluated,
   * as some Ollama versions did).
   */
  ollamaPromptCount?: OllamaPromptCount;
}

export interface MockCounters {
  /** Responses sent (all routes except `GET /stats`, which reads these counters). */
  requests: number;
  /** Responses by HTTP status; 499 = client went away before the answer was ready. */
  byStatus: Record<number, number>;
  /** Responses by route (`"POST /v1/chat/completions"`, ..., `"unmatched"`) and status. */
  byRoute: Record<string, Record<number, number>>;
  /** Generation requests currently being worked on. */
  inFlight: number;
  /** Highest `inFlight` seen. */
  maxInFlight: number;
  /** Prompt tokens of the generation requests answered 200 (streams count when they start). */
  promptTokens: number;
  /** Completion tokens sent: those of plain answers, and each token a stream has written (reasoning included). */
  completionTokens: number;
  /** The reasoning tokens among the completion tokens sent (reasoning mode). */
  reasoningTokens: number;
  /** The cached prompt tokens reported with those prompt tokens (`prefixCache`). */
  cachedTokens: number;
  streams: StreamCounters;
}

export interface StreamCounters {
  /** Streamed requests answered 200 (the stream started). */
  started: number;
  /** Streams that sent everything, `[DONE]` included. */
  completed: number;
  /** Streams whose client went away before the end (also counted as 499). */
  abandoned: number;
  /** Streams open now, and the most at once. */
  active: number;
  maxActive: number;
  /** Streams past their first token now: those sharing the token budget. */
  decoding: number;
  /** Tokens per second each decoding stream may use under the budget now; null without a budget or stream. */
  budgetShare: number | null;
}

export interface MockServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  host: string;
  port: number;
  /** Stops listening and drops open connections (requests in flight are abandoned). */
  close(): Promise<void>;
  /** A snapshot of the counters (the same data `GET /stats` serves). */
  counters(): MockCounters;
}

const MAX_BODY_BYTES = 1024 * 1024;
const ROUTE_UNMATCHED = 'unmatched';
const ROUTE_STATS = 'GET /stats';

interface ResolvedOptions {
  capacity: number;
  speed: number;
  seed: number;
  errorRate: number;
  fixedLatencyMs: number | undefined;
  models: readonly ModelSpec[];
  tokenBudget: number | undefined;
  pingIntervalMs: number | undefined;
  jitter: number;
  reasoningTokens: number;
  reasoningField: ReasoningField;
  countTokens: ((text: string) => number) | undefined;
  prefixCache: boolean;
  ollamaPromptCount: OllamaPromptCount;
}

function resolveOptions(options: MockServerOptions): ResolvedOptions {
  const capacity = options.capacity ?? 16;
  if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
    throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  }
  const speed = options.speed ?? 1;
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a number > 0, got ${speed}`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const errorRate = options.errorRate ?? 0;
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`errorRate must be between 0 and 1, got ${errorRate}`);
  const fixedLatencyMs = options.fixedLatencyMs;
  if (fixedLatencyMs !== undefined && !(Number.isFinite(fixedLatencyMs) && fixedLatencyMs >= 0)) {
    throw new RangeError(`fixedLatencyMs must be a number >= 0, got ${fixedLatencyMs}`);
  }
  const models = options.models ?? DEFAULT_MODELS;
  if (models.length === 0) throw new RangeError('models must not be empty');
  const tokenBudget = options.tokenBudget;
  if (tokenBudget !== undefined && !(tokenBudget > 0)) throw new RangeError(`tokenBudget must be a number > 0, got ${tokenBudget}`);
  const pingIntervalMs = options.pingIntervalMs;
  if (pingIntervalMs !== undefined && !(Number.isFinite(pingIntervalMs) && pingIntervalMs >= 1)) {
    throw new RangeError(`pingIntervalMs must be a number >= 1, got ${pingIntervalMs}`);
  }
  const jitter = options.jitter ?? DEFAULT_JITTER_SPREAD;
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`jitter must be a number in [0, 1), got ${jitter}`);
  const reasoningTokens = options.reasoningTokens ?? 0;
  if (!(Number.isInteger(reasoningTokens) && reasoningTokens >= 0)) throw new RangeError(`reasoningTokens must be an integer >= 0, got ${reasoningTokens}`);
  const reasoningField = options.reasoningField ?? 'reasoning_content';
  if (reasoningField !== 'reasoning_content' && reasoningField !== 'reasoning') {
    throw new RangeError(`reasoningField must be 'reasoning_content' or 'reasoning', got '${String(reasoningField)}'`);
  }
  const countTokens = options.countTokens;
  if (countTokens !== undefined && typeof countTokens !== 'function') throw new RangeError('countTokens must be a function');
  const prefixCache = options.prefixCache ?? false;
  const ollamaPromptCount = options.ollamaPromptCount ?? 'whole';
  if (ollamaPromptCount !== 'whole' && ollamaPromptCount !== 'evaluated') {
    throw new RangeError(`ollamaPromptCount must be 'whole' or 'evaluated', got '${String(ollamaPromptCount)}'`);
  }
  return { capacity, speed, seed, errorRate, fixedLatencyMs, models, tokenBudget, pingIntervalMs, jitter, reasoningTokens, reasoningField, countTokens, prefixCache, ollamaPromptCount };
}

function routeKey(method: string, path: string): string {
  const m = method === 'HEAD' ? 'GET' : method;
  if (m === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) return `POST ${path}`;
  if (m === 'POST' && (path === '/api/chat' || path === '/api/generate' || path === '/api/embed')) return `POST ${path}`;
  // llama.cpp server's native completion, under both of its names.
  if (m === 'POST' && (path === '/completion' || path === '/completions')) return `POST ${path}`;
  if (m === 'GET') {
    if (path === '/v1/models' || path === '/health' || path === '/stats' || path === '/') return `GET ${path}`;
    if (path === '/api/tags' || path === '/api/version') return `GET ${path}`;
    if (path.startsWith('/v1/models/') && path.length > '/v1/models/'.length) return 'GET /v1/models/{model}';
  }
  return ROUTE_UNMATCHED;
}

/** Reads the body as UTF-8, or `undefined` after answering 413 if it is too large. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
  });
}

export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const opts = resolveOptions(options);
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!(Number.isInteger(requestedPort) && requestedPort >= 0 && requestedPort <= 65535)) {
    throw new RangeError(`port must be an integer between 0 and 65535, got ${requestedPort}`);
  }

  const startedAt = Date.now();
  const createdSec = Math.floor(startedAt / 1000);
  const jitterRng = createRng(opts.seed);
  const errorRng = createRng(opts.seed ^ 0x9e3779b9);
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  const cache = opts.prefixCache ? new PrefixCache() : undefined;

  /** The prompt's tokens by the server's rule: `countTokens` on each part, else undefined (estimated from the text). */
  function countPrompt(parts: readonly string[]): number | undefined {
    if (opts.countTokens === undefined) return undefined;
    let total = 0;
    for (const part of parts) total += opts.countTokens(part);
    return total;
  }

  /** Cached prompt tokens of an OpenAI request, with a prefix cache; remembers the prompt. */
  function cachedTokensOf(parsed: GenerationRequest, promptTokens: number): number | undefined {
    if (cache === undefined) return undefined;
    const shared = cache.lookup(parsed.model, parsed.promptParts.join('\n'));
    if (shared === '') return 0;
    const tokens = opts.countTokens ? opts.countTokens(shared) : estimateTokens(shared);
    return Math.min(tokens, Math.max(0, promptTokens - 1));
  }

  const counters: MockCounters = {
    requests: 0,
    byStatus: {},
    byRoute: {},
    inFlight: 0,
    maxInFlight: 0,
    promptTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    cachedTokens: 0,
    streams: { started: 0, completed: 0, abandoned: 0, active: 0, maxActive: 0, decoding: 0, budgetShare: null },
  };

  /** A stream opens: its counters move now, and the callbacks returned by streamCounting move them as it goes. */
  function openStream(): MockCounters['streams'] {
    const streams = counters.streams;
    streams.started++;
    streams.active++;
    if (streams.active > streams.maxActive) streams.maxActive = streams.active;
    return streams;
  }

  /** The token and end callbacks of a stream on ROUTE: tokens counted as written, the request when it ends. */
  function streamCounting(route: string): Pick<TokenStreamOptions, 'onTokens' | 'onEnd'> {
    const streams = counters.streams;
    return {
      onTokens: (n, reasoning) => {
        counters.completionTokens += n;
        counters.reasoningTokens += reasoning;
      },
      onEnd: (completed, decoding) => {
        counters.inFlight--;
        streams.active--;
        if (decoding) streams.decoding--;
        if (completed) streams.completed++;
        else streams.abandoned++;
        count(route, completed ? 200 : 499);
      },
    };
  }

  function count(route: string, status: number): void {
    if (route === ROUTE_STATS) return;
    counters.requests++;
    counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
    const byRoute = (counters.byRoute[route] ??= {});
    byRoute[status] = (byRoute[status] ?? 0) + 1;
  }

  function snapshot(): MockCounters {
    const byRoute: Record<string, Record<number, number>> = {};
    for (const [route, statuses] of Object.entries(counters.byRoute)) byRoute[route] = { ...statuses };
    const streams = { ...counters.streams, budgetShare: budgetShare() };
    return { ...counters, byStatus: { ...counters.byStatus }, byRoute, streams };
  }

  /** Each decoding stream's share of the token budget (tokens/s, speed included). */
  function budgetShare(): number | null {
    const decoding = counters.streams.decoding;
    if (opts.tokenBudget === undefined || decoding === 0) return null;
    return (opts.tokenBudget * opts.speed) / decoding;
  }

  function send(res: http.ServerResponse, route: string, status: number, body: unknown, contentType = 'application/json'): void {
    if (res.headersSent || res.destroyed) return;
    const text = contentType === 'application/json' ? JSON.stringify(body) : String(body);
    count(route, status);
    res.writeHead(status, { 'content-type': `${contentType}; charset=utf-8`, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /**
   * A generation request: OpenAI's (`parsed`, `kind`) or, with `native`, one of Ollama's
   * native API, which answers in its own shapes (NDJSON streams, `{"error": ...}` bodies).
   */
  function generate(
    res: http.ServerResponse,
    route: string,
    parsed: GenerationRequest,
    model: ModelSpec,
    kind: 'chat' | 'text',
    native?: OllamaRequest,
    llama?: LlamaCppRequest,
  ): void {
    const startedMs = performance.now();
    if (counters.inFlight >= opts.capacity) {
      // Ollama answers at once when its queue is full. This is the body its /v1 routes send
      // (the OpenAI middleware wraps the scheduler's `{"error": "..."}` with openai.NewError).
      send(res, route, 503, native ? ollamaError(OLLAMA_BUSY_MESSAGE) : errorBody(OLLAMA_BUSY_MESSAGE, 'api_error'));
      return;
    }
    if (opts.errorRate > 0 && errorRng() < opts.errorRate) {
      const message = 'The server had an error while processing your request (simulated).';
      send(res, route, 500, native ? ollamaError(message) : errorBody(message, 'server_error'));
      return;
    }

    counters.inFlight++;
    if (counters.inFlight > counters.maxInFlight) counters.maxInFlight = counters.inFlight;
    const jitter = jitterFactor(jitterRng, opts.jitter);
    const promptTokens = countPrompt(parsed.promptParts);
    const cachedTokens = cachedTokensOf(parsed, promptTokens ?? estimateTokens(parsed.promptText));
    const base: GenerationPlan = planGeneration({
      model,
      promptText: parsed.promptText,
      // Native requests are cut at num_predict after thinking is counted (ollamaPlan).
      maxTokens: native ? undefined : parsed.maxTokens,
      inFlight: counters.inFlight,
      speed: opts.speed,
      jitter,
      fixedLatencyMs: opts.fixedLatencyMs,
      // Text completions have no channel for reasoning: their text is the whole output.
      reasoningTokens: kind === 'chat' ? opts.reasoningTokens : 0,
      promptTokens,
      cachedTokens,
      minTokens: native ? undefined : parsed.minTokens,
      ignoreEos: native ? undefined : parsed.ignoreEos,
    });
    if (cachedTokens !== undefined) base.cachedTokens = cachedTokens;
    const plan = native ? ollamaPlan(base, native, opts.fixedLatencyMs, jitter / opts.speed) : base;
    if (plan.promptTokens > model.contextLength) {
      counters.inFlight--;
      const message = `This model's maximum context length is ${model.contextLength} tokens. However, your messages resulted in ${plan.promptTokens} tokens.`;
      send(res, route, 400, native ? ollamaError(message) : errorBody(message, 'invalid_request_error', 'context_length_exceeded', 'messages'));
      return;
    }

    const id = ++sequence;
    if (parsed.stream) {
      if (native) streamNative(res, route, native, model, plan as OllamaPlan, jitter, startedMs);
      else if (llama) streamLlamaCpp(res, route, parsed, model, plan, jitter, startedMs);
      else stream(res, route, parsed, model, kind, plan, jitter, id);
      return;
    }
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      timers.delete(timer);
      counters.inFlight--;
    };
    const timer = setTimeout(() => {
      finish();
      if (native) {
        const nativePlan = plan as OllamaPlan;
        const tokens = nativeTokens(model, native, nativePlan);
        const timings = ollamaTimings(nativePlan, startedMs, startedMs + nativePlan.ttftMs, performance.now(), opts.ollamaPromptCount);
        const thinking = tokens.slice(0, nativePlan.thinking).join('');
        const content = tokens.slice(nativePlan.thinking).join('');
        counters.promptTokens += plan.promptTokens;
        counters.cachedTokens += plan.cachedTokens ?? 0;
        counters.completionTokens += plan.completionTokens;
        counters.reasoningTokens += nativePlan.thinking;
        send(res, route, 200, wholeAnswer({ endpoint: native.endpoint, model: native.model }, thinking, content, plan.finishReason, timings));
        return;
      }
      if (llama) {
        const timings = llamaCppTimings(plan, startedMs, startedMs + plan.ttftMs, performance.now());
        counters.promptTokens += plan.promptTokens;
        counters.completionTokens += plan.completionTokens;
        send(res, route, 200, llamaCppFinal({ model: parsed.model, promptTokens: plan.promptTokens }, answerText(model, parsed, plan), plan, timings));
        return;
      }
      const text = answerText(model, parsed, plan);
      const created = Math.floor(Date.now() / 1000);
      const u = planUsage(plan, kind);
      let body: ChatCompletion | TextCompletion;
      if (kind === 'chat') {
        const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text };
        if (reasoningMode(kind)) message[opts.reasoningField] = reasoningText(model, parsed, plan);
        body = {
          id: `chatcmpl-mock${id}`,
          object: 'chat.completion',
          created,
          model: parsed.model,
          system_fingerprint: 'fp_locusta_mock',
          choices: [{ index: 0, message, finish_reason: plan.finishReason }],
          usage: u,
          content: text,
        };
      } else {
        body = {
          id: `cmpl-mock${id}`,
          object: 'text_completion',
          created,
          model: parsed.model,
          system_fingerprint: 'fp_locusta_mock',
          choices: [{ index: 0, text, finish_reason: plan.finishReason, logprobs: null }],
          usage: u,
          content: text,
        };
      }
      counters.promptTokens += plan.promptTokens;
      counters.cachedTokens += plan.cachedTokens ?? 0;
      counters.completionTokens += plan.completionTokens;
      counters.reasoningTokens += plan.reasoningTokens;
      send(res, route, 200, body);
    }, plan.totalMs);
    timers.add(timer);
    // The client hung up (or close() dropped the connection) before the answer was ready.
    res.on('close', () => {
      if (finished) return;
      finish();
      count(route, 499);
    });
  }

  /** An admitted streamed request: its slot (inFlight) is freed when the stream ends. */
  function stream(
    res: http.ServerResponse,
    route: string,
    parsed: GenerationRequest,
    model: ModelSpec,
    kind: 'chat' | 'text',
    plan: GenerationPlan,
    jitter: number,
    id: number,
  ): void {
    const streams = openStream();
    counters.promptTokens += plan.promptTokens;
    counters.cachedTokens += plan.cachedTokens ?? 0;
    const meta = {
      id: kind === 'chat' ? `chatcmpl-mock${id}` : `cmpl-mock${id}`,
      created: Math.floor(Date.now() / 1000),
      model: parsed.model,
      includeUsage: parsed.includeUsage,
      reasoningField: opts.reasoningField,
    };
    // Recomputed at every step: other requests start and end while this one streams. The
    // request's jitter scales its decode time, as it scales a plain answer's.
    const rate = (): number => {
      if (opts.fixedLatencyMs !== undefined) return plan.interTokenMs > 0 ? 1000 / plan.interTokenMs : Infinity;
      const own = streamTokenRate({
        model,
        inFlight: counters.inFlight,
        decoding: streams.decoding,
        speed: opts.speed,
        tokenBudget: opts.tokenBudget,
      });
      return own / jitter;
    };
    streamTokens({
      res,
      tokens: [...tokenize(reasoningText(model, parsed, plan)), ...tokenize(answerText(model, parsed, plan))],
      reasoningTokens: plan.reasoningTokens,
      writer: kind === 'chat' ? chatChunks(meta) : textChunks(meta),
      ttftMs: plan.ttftMs,
      finishReason: plan.finishReason,
      usage: planUsage(plan, kind),
      pingMs: opts.pingIntervalMs,
      rate,
      onDecodeStart: () => void streams.decoding++,
      ...streamCounting(route),
    });
  }

  /** An admitted native stream: NDJSON objects, thinking first, the last one with the server's timings. */
  function streamNative(
    res: http.ServerResponse,
    route: string,
    request: OllamaRequest,
    model: ModelSpec,
    plan: OllamaPlan,
    jitter: number,
    startedMs: number,
  ): void {
    const meta = { endpoint: request.endpoint, model: request.model };
    // Ollama writes nothing between objects.
    streamOwn(res, route, model, plan, jitter, startedMs, nativeTokens(model, request, plan), plan.thinking, NDJSON_TYPE, (firstMs) =>
      ndjsonChunks(meta, () => ollamaTimings(plan, startedMs, firstMs(), performance.now(), opts.ollamaPromptCount)),
    );
    counters.cachedTokens += plan.cachedTokens ?? 0;
  }

  /** An admitted llama.cpp stream: a `data:` chunk a token, the last with the server's timings of what it sent. */
  function streamLlamaCpp(
    res: http.ServerResponse,
    route: string,
    parsed: GenerationRequest,
    model: ModelSpec,
    plan: GenerationPlan,
    jitter: number,
    startedMs: number,
  ): void {
    const meta = { model: parsed.model, promptTokens: plan.promptTokens };
    streamOwn(res, route, model, plan, jitter, startedMs, tokenize(answerText(model, parsed, plan)), 0, 'text/event-stream', (firstMs) =>
      llamaCppChunks(meta, plan, () => llamaCppTimings(plan, startedMs, firstMs(), performance.now())),
    );
  }

  /**
   * A stream in a server's own format (Ollama's, llama.cpp's): the writer is given the time
   * its first token went out, for the timings of its last chunk. No pings: neither sends them.
   */
  function streamOwn(
    res: http.ServerResponse,
    route: string,
    model: ModelSpec,
    plan: GenerationPlan,
    jitter: number,
    startedMs: number,
    tokens: string[],
    reasoningTokens: number,
    contentType: string,
    writer: (firstMs: () => number) => ChunkWriter,
  ): void {
    const streams = openStream();
    counters.promptTokens += plan.promptTokens;
    let firstMs = startedMs;
    const rate = (): number => {
      if (opts.fixedLatencyMs !== undefined) return plan.interTokenMs > 0 ? 1000 / plan.interTokenMs : Infinity;
      const own = streamTokenRate({ model, inFlight: counters.inFlight, decoding: streams.decoding, speed: opts.speed, tokenBudget: opts.tokenBudget });
      return own / jitter;
    };
    streamTokens({
      res,
      tokens,
      writer: writer(() => firstMs),
      reasoningTokens,
      contentType,
      ttftMs: plan.ttftMs,
      finishReason: plan.finishReason,
      usage: usage(plan.promptTokens, plan.completionTokens),
      pingMs: undefined,
      rate,
      onDecodeStart: () => {
        firstMs = performance.now();
        streams.decoding++;
      },
      ...streamCounting(route),
    });
  }

  /** A native answer's tokens: the thinking ones, then the answer's (both functions of the request). */
  function nativeTokens(model: ModelSpec, request: OllamaRequest, plan: OllamaPlan): string[] {
    const seed = fnv1a(`${model.id}\n${request.promptText}`);
    const thinking = tokenize(fillerText(plan.thinking, seed ^ 0x5bd1e995));
    const content = tokenize(fillerText(plan.completionTokens - plan.thinking, seed));
    return [...thinking, ...content];
  }

  /** `POST /api/embed`: an embedding per input, after the prompt evaluation time (no slot taken). */
  function embed(res: http.ServerResponse, route: string, raw: string): void {
    const startedMs = performance.now();
    const request = parseEmbedRequest(raw);
    const model = findModel(opts.models, request.model);
    if (model === undefined) {
      send(res, route, 404, ollamaError(`model "${request.model}" not found, try pulling it first`));
      return;
    }
    const tokens = embedTokens(request.inputs);
    const delayMs = opts.fixedLatencyMs ?? (1 + model.prefillMsPerToken * tokens) / opts.speed;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const total = Math.round((performance.now() - startedMs) * 1e6);
      send(res, route, 200, {
        model: request.model,
        embeddings: request.inputs.map((text) => embeddingOf(model.id, text)),
        total_duration: total,
        load_duration: Math.min(total, Math.round(1e6 / opts.speed)),
        prompt_eval_count: tokens,
      });
    }, delayMs);
    timers.add(timer);
    res.on('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      timers.delete(timer);
      count(route, 499);
    });
  }

  /** `POST /api/chat` and `/api/generate`; an empty prompt only loads the model, as Ollama does. */
  function native(res: http.ServerResponse, route: string, raw: string): void {
    const request = parseOllamaRequest(raw, route === 'POST /api/chat' ? 'chat' : 'generate');
    const model = findModel(opts.models, request.model);
    if (model === undefined) {
      send(res, route, 404, ollamaError(`model "${request.model}" not found, try pulling it first`));
      return;
    }
    if (request.loadOnly) {
      const loaded = { model: request.model, created_at: new Date().toISOString(), done: true, done_reason: 'load' };
      send(res, route, 200, request.endpoint === 'chat' ? { ...loaded, message: { role: 'assistant', content: '' } } : { ...loaded, response: '' });
      return;
    }
    const parsed: GenerationRequest = {
      model: request.model,
      promptText: request.promptText,
      promptParts: request.promptParts,
      maxTokens: request.maxTokens,
      stream: request.stream,
      includeUsage: false,
      minTokens: undefined,
      ignoreEos: false,
    };
    generate(res, route, parsed, model, 'chat', request);
  }

  /**
   * `POST /completion`: llama.cpp serves the one model it loaded, so a body that names no model
   * (or one the mock does not have) gets the first of the table, whose name the answer carries.
   */
  function llamaCpp(res: http.ServerResponse, route: string, raw: string): void {
    let request: LlamaCppRequest;
    try {
      request = parseLlamaCppRequest(parseJsonObject(raw));
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      send(res, route, err.status, err.body);
      return;
    }
    const model = (request.model === undefined ? undefined : findModel(opts.models, request.model)) ?? opts.models[0]!;
    const parsed: GenerationRequest = {
      model: request.model ?? model.id,
      promptText: request.promptText,
      promptParts: [request.promptText],
      maxTokens: request.maxTokens,
      stream: request.stream,
      includeUsage: false,
      minTokens: undefined,
      ignoreEos: false,
    };
    generate(res, route, parsed, model, 'text', undefined, request);
  }

  /** The answer's text: a function of the model and prompt, so the same request gets the same words. */
  function answerText(model: ModelSpec, parsed: GenerationRequest, plan: GenerationPlan): string {
    return fillerText(plan.completionTokens - plan.reasoningTokens, fnv1a(`${model.id}\n${parsed.promptText}`));
  }

  /** The reasoning text before the answer (reasoning mode): other words from the same seed. */
  function reasoningText(model: ModelSpec, parsed: GenerationRequest, plan: GenerationPlan): string {
    return fillerText(plan.reasoningTokens, fnv1a(`reasoning\n${model.id}\n${parsed.promptText}`));
  }

  /** Reasoning mode is on for chat answers when the server has reasoning tokens to send. */
  function reasoningMode(kind: 'chat' | 'text'): boolean {
    return kind === 'chat' && opts.reasoningTokens > 0;
  }

  /** The usage of a plan; in reasoning mode with the reasoning tokens' count, as OpenAI and DeepSeek send it. */
  function planUsage(plan: GenerationPlan, kind: 'chat' | 'text') {
    return usage(plan.promptTokens, plan.completionTokens, reasoningMode(kind) ? plan.reasoningTokens : undefined, plan.cachedTokens);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      path = req.url ?? '/';
    }
    const route = routeKey(method, path);

    if (!route.startsWith('POST ')) {
      req.resume();
      switch (route) {
        case 'GET /':
          send(res, route, 200, 'Locusta mock OpenAI server is running\n', 'text/plain');
          return;
        case 'GET /health':
          send(res, route, 200, { status: 'ok' });
          return;
        case 'GET /stats':
          send(res, route, 200, {
            ...snapshot(),
            capacity: opts.capacity === Infinity ? null : opts.capacity,
            tokenBudget: opts.tokenBudget ?? null,
            uptimeMs: Date.now() - startedAt,
          });
          return;
        case 'GET /api/tags':
          send(res, route, 200, tagsBody(opts.models, new Date(startedAt).toISOString()));
          return;
        case 'GET /api/version':
          send(res, route, 200, { version: '0.12.0' });
          return;
        case 'GET /v1/models':
          send(res, route, 200, { object: 'list', data: opts.models.map((m) => modelObject(m, createdSec)) });
          return;
        case 'GET /v1/models/{model}': {
          const name = decodeURIComponent(path.slice('/v1/models/'.length));
          const model = findModel(opts.models, name);
          if (model === undefined) send(res, route, 404, errorBody(`model '${name}' not found`, 'invalid_request_error', 'model_not_found', 'model'));
          else send(res, route, 200, modelObject(model, createdSec));
          return;
        }
        default:
          send(res, route, 404, errorBody(`Invalid URL (${method} ${path})`, 'invalid_request_error', 'unknown_url'));
          return;
      }
    }

    const raw = await readBody(req);
    if (raw === undefined) {
      res.setHeader('connection', 'close');
      send(res, route, 413, errorBody(`Request body too large (limit ${MAX_BODY_BYTES} bytes).`, 'invalid_request_error'));
      res.on('finish', () => req.destroy());
      return;
    }
    if (route.startsWith('POST /api/')) {
      try {
        if (route === 'POST /api/embed') embed(res, route, raw);
        else native(res, route, raw);
      } catch (err) {
        if (!(err instanceof OllamaRequestError)) throw err;
        send(res, route, err.status, ollamaError(err.message));
      }
      return;
    }
    if (route === 'POST /completion' || route === 'POST /completions') {
      llamaCpp(res, route, raw);
      return;
    }
    const kind = route === 'POST /v1/chat/completions' ? 'chat' : 'text';
    let parsed: GenerationRequest;
    try {
      const body = parseJsonObject(raw);
      parsed = kind === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
    } catch (err) {
      if (err instanceof InvalidRequestError) {
        send(res, route, err.status, err.body);
        return;
      }
      throw err;
    }
    const model = findModel(opts.models, parsed.model);
    if (model === undefined) {
      send(res, route, 404, errorBody(`model '${parsed.model}' not found`, 'invalid_request_error', 'model_not_found', 'model'));
      return;
    }
    generate(res, route, parsed, model, kind);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = messageOf(err);
      const route = routeKey(req.method ?? 'GET', (req.url ?? '/').split('?')[0] ?? '/');
      if (!res.headersSent && !res.destroyed) send(res, route, 500, errorBody(`internal error: ${message}`, 'server_error'));
      else res.destroy();
    });
  });
  // Load tests open many sockets; do not let idle keep-alive sockets pile up forever.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(requestedPort, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    counters: snapshot,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
