import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer } from './index.ts';
import type { MockServer } from './index.ts';

// The stream is read with fetch and split by hand: the client side of SSE is tested in
// @locusta/http and @locusta/llm, so a bug in one does not hide a bug in the other.

const servers: MockServer[] = [];

async function start(): Promise<MockServer> {
  const server = await createMockServer({ speed: 50, jitter: 0 });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(server: MockServer, body: unknown, path = '/completion'): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe("llama.cpp's /completion on the mock server", () => {
  it('streams a data: chunk a token, the last with stop: true and timings true to what it sent, and no end marker', async () => {
    const server = await start();
    const r = await post(server, { prompt: 'Tell me about load testing.', n_predict: 12, stream: true, cache_prompt: true });
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/event-stream');
    const events = r.text.split('\n\n').filter((e) => e !== '');
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(r.text).not.toContain('[DONE]');
    const chunks = events.map((e) => JSON.parse(e.slice('data: '.length)));
    const last = chunks.at(-1);
    const tokens = chunks.slice(0, -1);
    expect(tokens.every((c) => c.stop === false && c.content !== '')).toBe(true);
    expect(last.stop).toBe(true);
    expect(last.timings.predicted_n).toBe(tokens.length);
    expect(last.tokens_predicted).toBe(tokens.length);
    expect(last.timings.prompt_n).toBe(last.tokens_evaluated);
    expect(last.tokens_cached).toBe(last.tokens_evaluated + tokens.length);
    expect(last.stop_type).toBe(tokens.length === 12 ? 'limit' : 'eos');
    expect(last.timings.prompt_ms).toBeGreaterThan(0);
    expect(last.timings.predicted_per_second).toBeCloseTo((1000 * tokens.length) / last.timings.predicted_ms, 6);
    const counters = server.counters();
    expect(counters.completionTokens).toBe(tokens.length);
    expect(counters.promptTokens).toBe(last.tokens_evaluated);
    expect(counters.byRoute['POST /completion']).toEqual({ 200: 1 });
  });

  it('answers whole by default (the server does not stream unless asked), under /completions too', async () => {
    const server = await start();
    const r = await post(server, { prompt: ['Tell me ', 'about load testing.'], n_predict: 8 }, '/completions');
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.stop).toBe(true);
    expect(body.content.split(' ').length).toBe(body.timings.predicted_n);
    expect(typeof body.model).toBe('string');
    expect(server.counters().completionTokens).toBe(body.tokens_predicted);
  });

  it.each([
    ['a prompt that is not a string', { prompt: 3 }, 'prompt'],
    ['a bad n_predict', { prompt: 'x', n_predict: 1.5 }, 'n_predict'],
    ['a bad stream', { prompt: 'x', stream: 'yes' }, 'stream'],
  ])('refuses %s with 400', async (_name, body, field) => {
    const server = await start();
    const r = await post(server, body);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toContain(field);
  });
});
