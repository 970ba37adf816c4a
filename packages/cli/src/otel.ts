import type { Environment, RequestSpan, RequestTracer } from '@locusta/core';
import { context, metrics, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram, Tracer } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { usageError } from './errors.ts';

/** The semantic conventions' advised buckets (seconds) for http.client.request.duration. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** `error.type`: the status code for HTTP errors, the error's class otherwise (`TimeoutError`, ...). */
function errorType(status: number, error: unknown): string | undefined {
  if (status >= 400) return String(status);
  if (error === undefined || error === null) return undefined;
  if (error instanceof Error) return error.name === 'Error' ? error.constructor.name : error.name;
  return '_OTHER';
}

function errorMessage(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A client span per request (named `METHOD name`, as Locust's), with the HTTP semantic
 * conventions' attributes and the request's entry name; the W3C trace context goes in the
 * request's headers, and the duration into `http.client.request.duration`.
 */
class OtelRequestTracer implements RequestTracer {
  readonly #tracer: Tracer;
  readonly #duration: Histogram;

  constructor(version: string) {
    this.#tracer = trace.getTracer('locusta', version);
    this.#duration = metrics.getMeter('locusta', version).createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  start(request: { method: string; url: string; name: string }): RequestSpan {
    const url = new URL(request.url);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const base = { 'http.request.method': request.method, 'server.address': url.hostname, 'server.port': port };
    const span = this.#tracer.startSpan(`${request.method} ${request.name}`, {
      kind: SpanKind.CLIENT,
      attributes: { ...base, 'url.full': request.url, 'locusta.request.name': request.name },
    });
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    const t0 = performance.now();
    let ended = false;
    return {
      headers,
      end: ({ status, error }) => {
        if (ended) return;
        ended = true;
        const type = errorType(status, error);
        const attributes: Record<string, string | number> = { ...base };
        if (status > 0) attributes['http.response.status_code'] = status;
        if (type !== undefined) attributes['error.type'] = type;
        span.setAttributes(attributes);
        if (type !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) ?? `HTTP ${status}` });
        span.end();
        this.#duration.record((performance.now() - t0) / 1000, attributes);
      },
    };
  }
}

/** The values of the OTEL_* variables that choose exporters and protocols that --otel supports. */
const SUPPORTED: ReadonlyArray<readonly [variable: string, values: readonly string[], list: boolean]> = [
  ['OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'], true],
  ['OTEL_METRICS_EXPORTER', ['otlp', 'console', 'none'], true],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', ['http/protobuf', 'http/json', 'grpc'], false],
  ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', ['http/protobuf', 'http/json', 'grpc'], false],
  ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', ['http/protobuf', 'http/json', 'grpc'], false],
];

/**
 * Refuses an exporter or protocol the SDK would only note in its own (silent by default) log
 * and replace with its default: a run would then export nothing where its user looks.
 */
function checkOtelEnvironment(env: NodeJS.ProcessEnv): void {
  for (const [variable, values, list] of SUPPORTED) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    for (const value of list ? raw.split(',').map((v) => v.trim()).filter(Boolean) : [raw.trim()]) {
      if (!values.includes(value)) throw usageError(`${variable}: '${value}' is not supported with --otel (use ${values.join(', ')})`);
    }
  }
}

/**
 * How long an OTLP export may take (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT or OTEL_EXPORTER_OTLP_TIMEOUT,
 * in ms; the SDK's 10 s by default): what a forked worker may need to export its spans as it quits.
 */
export function exportTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'] ?? env['OTEL_EXPORTER_OTLP_TIMEOUT'] ?? 10_000);
  return Number.isFinite(ms) && ms >= 0 ? ms : 10_000;
}

/**
 * `--otel`: OpenTelemetry's Node SDK, configured by the standard OTEL_* variables (exporters
 * `otlp`, `console` or `none` for traces and metrics, OTLP over http/protobuf, http/json or
 * grpc, endpoints, headers, the service name: `locusta` unless OTEL_SERVICE_NAME is set), and no
 * automatic instrumentation: the HTTP client makes its spans through the environment's tracer.
 * Returns the shutdown that exports what is still buffered.
 */
export function startOtel(environment: Environment, version: string): () => Promise<void> {
  checkOtelEnvironment(process.env);
  const sdk = new NodeSDK({
    serviceName: process.env['OTEL_SERVICE_NAME'] ? undefined : 'locusta',
    instrumentations: [],
  });
  sdk.start();
  environment.requestTracer = new OtelRequestTracer(version);
  return async () => {
    environment.requestTracer = undefined;
    await sdk.shutdown();
  };
}
