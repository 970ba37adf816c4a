/**
 * The HTTP server: routing, admission (capacity / error rate), counters. Timing and token
 * counts come from `latency.ts`; wire shapes from `protocol.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, fnv1a, jitterFactor, planGeneration } from './latency.ts';
import type { GenerationPlan } from './latency.ts';
import { DEFAULT_MODELS, findModel } from './models.ts';
import type { ModelSpec } from './models.ts';
import {
  OLLAMA_BUSY_MESSAGE,
  RequestError,
  errorBody,
  modelObject,
  parseChatRequest,
  parseCompletionRequest,
  parseJsonObject,
  usage,
} from './protocol.ts';
import type { ChatCompletion, GenerationRequest, TextCompletion } from './protocol.ts';
import { fillerText } from './text.ts';

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
  return { capacity, speed, seed, errorRate, fixedLatencyMs, models };
}

function routeKey(method: string, path: string): string {
  const m = method === 'HEAD' ? 'GET' : method;
  if (m === 'POST' && (path === '/v1/chat/completions' || path === '/v1/completions')) return `POST ${path}`;
  if (m === 'GET') {
    if (path === '/v1/models' || path === '/health' || path === '/stats' || path === '/') return `GET ${path}`;
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

  const counters: MockCounters = { requests: 0, byStatus: {}, byRoute: {}, inFlight: 0, maxInFlight: 0 };

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
    return { ...counters, byStatus: { ...counters.byStatus }, byRoute };
  }

  function send(res: http.ServerResponse, route: string, status: number, body: unknown, contentType = 'application/json'): void {
    if (res.headersSent || res.destroyed) return;
    const text = contentType === 'application/json' ? JSON.stringify(body) : String(body);
    count(route, status);
    res.writeHead(status, { 'content-type': `${contentType}; charset=utf-8`, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function generate(
    res: http.ServerResponse,
    route: string,
    parsed: GenerationRequest,
    model: ModelSpec,
    kind: 'chat' | 'text',
  ): void {
    if (parsed.stream) {
      send(res, route, 400, errorBody("'stream': true is not supported by this mock server yet.", 'invalid_request_error', null, 'stream'));
      return;
    }
    if (counters.inFlight >= opts.capacity) {
      // Ollama answers at once when its queue is full. This is the body its /v1 routes send
      // (the OpenAI middleware wraps the scheduler's `{"error": "..."}` with openai.NewError).
      send(res, route, 503, errorBody(OLLAMA_BUSY_MESSAGE, 'api_error'));
      return;
    }
    if (opts.errorRate > 0 && errorRng() < opts.errorRate) {
      send(res, route, 500, errorBody('The server had an error while processing your request (simulated).', 'server_error'));
      return;
    }

    counters.inFlight++;
    if (counters.inFlight > counters.maxInFlight) counters.maxInFlight = counters.inFlight;
    const plan: GenerationPlan = planGeneration({
      model,
      promptText: parsed.promptText,
      maxTokens: parsed.maxTokens,
      inFlight: counters.inFlight,
      speed: opts.speed,
      jitter: jitterFactor(jitterRng),
      fixedLatencyMs: opts.fixedLatencyMs,
    });
    if (plan.promptTokens > model.contextLength) {
      counters.inFlight--;
      const message = `This model's maximum context length is ${model.contextLength} tokens. However, your messages resulted in ${plan.promptTokens} tokens.`;
      send(res, route, 400, errorBody(message, 'invalid_request_error', 'context_length_exceeded', 'messages'));
      return;
    }

    const id = ++sequence;
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
      const text = fillerText(plan.completionTokens, fnv1a(`${model.id}\n${parsed.promptText}`));
      const created = Math.floor(Date.now() / 1000);
      const u = usage(plan.promptTokens, plan.completionTokens);
      let body: ChatCompletion | TextCompletion;
      if (kind === 'chat') {
        body = {
          id: `chatcmpl-mock${id}`,
          object: 'chat.completion',
          created,
          model: parsed.model,
          system_fingerprint: 'fp_locusta_mock',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: plan.finishReason }],
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
            uptimeMs: Date.now() - startedAt,
          });
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
    const kind = route === 'POST /v1/chat/completions' ? 'chat' : 'text';
    let parsed: GenerationRequest;
    try {
      const body = parseJsonObject(raw);
      parsed = kind === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
    } catch (err) {
      if (err instanceof RequestError) {
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
      const message = err instanceof Error ? err.message : String(err);
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
