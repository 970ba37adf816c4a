#!/usr/bin/env node
// The ground truth of bench/llm-streams.mjs: an OpenAI-style streaming server that logs when it
// sends each chunk. POST /v1/chat/completions streams TOKENS content chunks (vLLM's chunk shape)
// at RATE tokens/s after a time to first token drawn from 50 to 250 ms, then the usage chunk and
// [DONE]. For every stream that ran to its end it keeps the truth: TTFT (request received to
// first content chunk written), each inter-token gap and the end (last content chunk written).
// GET /truth answers their percentiles (and the tokens sent between two unix times);
// POST /reset forgets them. Prints `listening on PORT` when ready.
import { createServer } from 'node:http';

const TOKENS = Number(process.env.TOKENS ?? 50);
const RATE = Number(process.env.RATE ?? 50);
const GAP_MS = 1000 / RATE;

let ttft = [];
let itl = [];
let e2e = [];
/** Unix ms of every content chunk written (for the tokens of a CPU window). */
let sent = [];
let seq = 0;

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const summary = (values) => {
  const s = Float64Array.from(values).sort();
  return { count: s.length, p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s.length ? s[s.length - 1] : null };
};

function chunk(id, delta, finish) {
  return `data: {"id":"${id}","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
}

function stream(req, res) {
  const arrived = performance.now();
  const n = ++seq;
  const id = `chatcmpl-${n}`;
  // A spread of TTFTs (50-250 ms, evenly by the request's number) so p50 and p99 differ.
  const firstAt = arrived + 50 + ((n * 7919) % 200);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const times = [];
  let i = 0;
  const next = () => {
    if (closed) return;
    const now = performance.now();
    if (i < TOKENS) {
      res.write(chunk(id, i === 0 ? '{"role":"assistant","content":" tok"}' : '{"content":" tok"}', 'null'));
      times.push(now);
      sent.push(Date.now());
      i++;
      // Each token is due at its own time: a late timer does not push the later ones back.
      setTimeout(next, Math.max(0, firstAt + i * GAP_MS - performance.now()));
      return;
    }
    res.write(chunk(id, '{}', '"stop"'));
    res.write(`data: {"id":"${id}","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":${TOKENS},"total_tokens":${TOKENS + 10}}}\n\n`);
    res.end('data: [DONE]\n\n');
    ttft.push(times[0] - arrived);
    for (let k = 1; k < times.length; k++) itl.push(times[k] - times[k - 1]);
    e2e.push(times[times.length - 1] - arrived);
  };
  setTimeout(next, Math.max(0, firstAt - performance.now()));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', () => {
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') return stream(req, res);
    if (url.pathname === '/reset') {
      ttft = [];
      itl = [];
      e2e = [];
      sent = [];
      return res.end('ok');
    }
    if (url.pathname === '/truth') {
      const from = Number(url.searchParams.get('from') ?? 0);
      const to = Number(url.searchParams.get('to') ?? Infinity);
      const inWindow = sent.reduce((c, t) => c + (t >= from && t < to ? 1 : 0), 0);
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ ttft: summary(ttft), itl: summary(itl), e2e: summary(e2e), tokensSent: sent.length, tokensInWindow: inWindow, firstSent: sent[0] ?? null }));
    }
    res.statusCode = 404;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on ${server.address().port}\n`));
