import { join } from 'node:path';
import { bodyOf, freePort, serve, startServer } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMockServer } from '@locusta/mock-openai';
import { FIXTURES, ROOT, finalSummary, runLocusta } from './helpers.ts';

/**
 * `--otel` with OpenTelemetry's SDK exporting to a receiver of OTLP over HTTP in the test: every
 * request the target saw is one client span, the target saw the span's W3C traceparent, and the
 * http.client.request.duration histogram counts the same requests.
 */

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number };
}

const attrs = (list: OtlpAttribute[]) => Object.fromEntries(list.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]));

/** An OTLP/HTTP receiver: the bodies posted to /v1/traces and /v1/metrics, with their content types. */
async function otlpReceiver() {
  const posts: Array<{ path: string; type: string; body: string }> = [];
  const url = await serve((req, res) => {
    void bodyOf(req).then((body) => {
      posts.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  return { url, posts };
}

/** Fast answers on /fast, 500 on /fail: the prometheus-names fixture's requests. */
async function target() {
  return startServer((req, res) => {
    if (req.url === '/fail') res.statusCode = 500;
    res.end('ok');
  });
}

// -s 10: users finish the request they are in when the time is up, so every request the target saw is recorded.
const run = (host: string, env: NodeJS.ProcessEnv, extra: string[] = ['--otel']) =>
  runLocusta(['-f', join(FIXTURES, 'prometheus-names.ts'), '-H', host, '--headless', '-u', '2', '-r', '10', '-t', '2s', '-s', '10', ...extra], {
    env: { OTEL_METRIC_EXPORT_INTERVAL: '500', OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_LOGS_EXPORTER: 'none', ...env },
  });

describe('--otel', () => {
  it('exports a client span per request over OTLP/HTTP JSON, with the trace context the target saw, and the duration metric', { timeout: 60_000 }, async () => {
    const receiver = await otlpReceiver();
    const traceparents: string[] = [];
    const server = await startServer((req, res) => {
      traceparents.push(String(req.headers['traceparent'] ?? ''));
      if (req.url === '/fail') res.statusCode = 500;
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 5 : 0);
    });
    const r = await run(server.url, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'checkout-load' });
    expect([0, 1]).toContain(r.code);
    const made = server.total();
    const summary = finalSummary(r.stderr);
    expect(summary.get('Aggregated')?.requests).toBe(made);
    expect(made).toBeGreaterThan(10);

    const traces = receiver.posts.filter((p) => p.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const p of traces) expect(p.type).toMatch(/^application\/json/);
    const resourceSpans = traces.flatMap((p) => (JSON.parse(p.body) as { resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans);
    expect(attrs(resourceSpans[0]!.resource.attributes)['service.name']).toBe('checkout-load');
    const spans = resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(spans.length).toBe(made);

    // Every request carried its own span's context: version 00, the span's trace and span ids, sampled.
    const sent = new Set(traceparents);
    expect(sent.size).toBe(made);
    for (const s of spans) expect(sent.has(`00-${s.traceId}-${s.spanId}-01`), s.name).toBe(true);

    const byName = (n: string) => spans.filter((s) => s.name === n);
    const fast = byName('GET /fast')[0]!;
    expect(fast.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(attrs(fast.attributes)).toMatchObject({
      'http.request.method': 'GET', 'url.full': `${server.url}/fast`, 'http.response.status_code': 200,
      'server.address': '127.0.0.1', 'server.port': Number(new URL(server.url).port), 'locusta.request.name': '/fast',
    });
    expect(attrs(fast.attributes)['error.type']).toBeUndefined();
    const failed = byName('GET two\nlines');
    expect(failed.length).toBe(summary.get('GET two\nlines')?.requests ?? server.counts.get('GET /fail'));
    expect(attrs(failed[0]!.attributes)).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500', 'locusta.request.name': 'two\nlines' });
    expect(failed[0]!.status?.code).toBe(2); // STATUS_CODE_ERROR
    expect(byName('GET slow "quoted" \\ path ü').length).toBe(server.counts.get('GET /slow'));

    // The last export of the histogram holds every request (cumulative temporality).
    const metricPosts = receiver.posts.filter((p) => p.path === '/v1/metrics');
    expect(metricPosts.length).toBeGreaterThan(0);
    const last = JSON.parse(metricPosts.at(-1)!.body) as {
      resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string; unit: string; histogram?: { dataPoints: Array<{ count: string | number; attributes: OtlpAttribute[] }> } }> }> }>;
    };
    const duration = last.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.name === 'http.client.request.duration')!;
    expect(duration.unit).toBe('s');
    const points = duration.histogram!.dataPoints;
    expect(points.reduce((sum, p) => sum + Number(p.count), 0)).toBe(made);
    expect(points.map((p) => attrs(p.attributes)['http.response.status_code']).sort()).toEqual([200, 500]);
  });

  it('exports OTLP/HTTP protobuf by default', { timeout: 60_000 }, async () => {
    const receiver = await otlpReceiver();
    const server = await target();
    const r = await run(server.url, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect([0, 1]).toContain(r.code);
    const traces = receiver.posts.filter((p) => p.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const p of traces) expect(p.type).toBe('application/x-protobuf');
    expect(receiver.posts.some((p) => p.path === '/v1/metrics' && p.type === 'application/x-protobuf')).toBe(true);
  });

  it("prints spans with the console exporter (turned on by Locust's variable), and sends nothing without --otel", { timeout: 60_000 }, async () => {
    const server = await target();
    const console = await run(server.url, { LOCUST_ENABLE_OPENTELEMETRY: 'true', OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none' }, []);
    expect(console.stdout).toContain("name: 'GET /fast'");
    expect(console.stdout).toContain("'http.request.method': 'GET'");

    const receiver = await otlpReceiver();
    const headers: string[] = [];
    const plain = await startServer((req, res) => {
      headers.push(...Object.keys(req.headers));
      res.end('ok');
    });
    await run(plain.url, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, []);
    expect(plain.total()).toBeGreaterThan(0);
    expect(headers).not.toContain('traceparent');
    expect(receiver.posts).toEqual([]);
  });

  it('spans come from the workers of --processes 2, one per request', { timeout: 60_000 }, async () => {
    const receiver = await otlpReceiver();
    const server = await target();
    const r = await run(server.url, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRICS_EXPORTER: 'none' }, ['--otel', '--processes', '2']);
    expect([0, 1]).toContain(r.code);
    const spans = receiver.posts
      .filter((p) => p.path === '/v1/traces')
      .flatMap((p) => (JSON.parse(p.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(server.total()).toBeGreaterThan(10);
    expect(spans.length).toBe(server.total());
    expect(receiver.posts.some((p) => p.path === '/v1/metrics')).toBe(false);
  });

  it('an exporter or protocol it does not support is a usage error naming the variable', async () => {
    for (const [variable, value] of [['OTEL_TRACES_EXPORTER', 'otlp,zipkin'], ['OTEL_METRICS_EXPORTER', 'prometheus'], ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http'], ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'udp']] as const) {
      const r = await run('http://127.0.0.1:1', { [variable]: value });
      expect(r.code, variable).toBe(2);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('locusta: error:')), variable).toEqual([
        `locusta: error: ${variable}: '${value.split(',').at(-1)}' is not supported with --otel (use ${variable.endsWith('EXPORTER') ? 'otlp, console, none' : 'http/protobuf, http/json, grpc'})`,
      ]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('a collector that cannot be reached: the run ends with its own exit code and one warning', { timeout: 60_000 }, async () => {
    const server = await target();
    const r = await run(server.url, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_EXPORTER_OTLP_TIMEOUT: '2000' });
    expect(r.code).toBe(1); // the fixture's /fail requests
    expect(server.total()).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/WARNING\/locusta\.main: OpenTelemetry shutdown failed: .*ECONNREFUSED/);
  });

  it("one span per streamed chat completion, with its status", { timeout: 90_000 }, async () => {
    const receiver = await otlpReceiver();
    const server = await createMockServer({ port: 0, speed: 20, seed: 3 });
    onTestFinished(() => server.close());
    const r = await runLocusta(['-f', join(ROOT, 'examples/llm-streaming/locustfile.ts'), '-H', server.url, '--headless', '-u', '3', '-r', '10', '-t', '4s', '-s', '30', '--otel'], {
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_LOGS_EXPORTER: 'none' },
    });
    expect(r.code, r.stderr).toBe(0);
    const answered = Object.values(server.counters().byRoute['POST /v1/chat/completions'] ?? {}).reduce((a, b) => a + b, 0);
    expect(answered).toBeGreaterThan(0);
    const spans = receiver.posts
      .filter((p) => p.path === '/v1/traces')
      .flatMap((p) => (JSON.parse(p.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    expect(spans.length).toBe(answered);
    for (const s of spans) {
      expect(s.name).toMatch(/^POST chat \S+$/);
      expect(attrs(s.attributes)).toMatchObject({ 'http.request.method': 'POST', 'url.full': `${server.url}/v1/chat/completions`, 'http.response.status_code': 200 });
    }
  });

  it('a redirected request is one span, and every hop carries its traceparent', { timeout: 60_000 }, async () => {
    const receiver = await otlpReceiver();
    const seen = new Map<string, string[]>();
    const server = await startServer((req, res) => {
      const path = req.url ?? '';
      seen.set(path, [...(seen.get(path) ?? []), String(req.headers['traceparent'] ?? '')]);
      if (path === '/fast') {
        res.statusCode = 302;
        res.setHeader('location', '/landed');
      } else if (path === '/fail') res.statusCode = 500;
      res.end('ok');
    });
    const r = await run(server.url, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRICS_EXPORTER: 'none' });
    expect([0, 1]).toContain(r.code);
    const spans = receiver.posts
      .filter((p) => p.path === '/v1/traces')
      .flatMap((p) => (JSON.parse(p.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
    const landed = seen.get('/landed') ?? [];
    expect(landed.length).toBeGreaterThan(0);
    expect(landed).toEqual(seen.get('/fast'));
    expect(spans.length).toBe(server.total() - landed.length);
    const fast = spans.filter((s) => s.name === 'GET /fast');
    expect(new Set(fast.map((s) => `00-${s.traceId}-${s.spanId}-01`))).toEqual(new Set(landed));
    expect(attrs(fast[0]!.attributes)['http.response.status_code']).toBe(200);
  });
});
