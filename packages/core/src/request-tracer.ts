/**
 * Tracing of requests (`--otel`), as a seam: HTTP clients start a span before they send and end
 * it with the outcome, without knowing the tracing library. The CLI sets the environment's
 * tracer from OpenTelemetry's SDK; without it no span is made and nothing is added to requests.
 */
export interface RequestTracer {
  start(request: { method: string; url: string; name: string }): RequestSpan;
}

export interface RequestSpan {
  /** Headers to send with the request (W3C `traceparent`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** Ends the span once; later calls do nothing. `status` 0: no response. */
  end(outcome: { status: number; error?: unknown }): void;
}
