import { waitUntil } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, OLLAMA_BUSY_MESSAGE } from './index.ts';
import type { MockServer, MockServerOptions } from './index.ts';

const servers: MockServer[] = [];

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  const server = await createMockServer({ speed: 50, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(server: MockServer, path: string, body: unknown, init: RequestInit = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  return { status: res.status, json: await res.json() };
}

async function get(server: MockServer, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path);
  return { status: res.status, json: await res.json() };
}

const chat = (content = 'What is load testing?', extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2:latest',
  messages: [{ role: 'user', content }],
  temperature: 0.7,
  ...extra,
});

describe('createMockServer', () => {
  it('listens on 127.0.0.1 with a random port by default', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(server.url + '/');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/mock OpenAI server/);
  });

  it('rejects bad options', async () => {
    await expect(createMockServer({ capacity: 0 })).rejects.toThrow(RangeError);
    await expect(createMockServer({ speed: 0 })).rejects.toThrow(RangeError);
    await expect(createMockServer({ errorRate: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers with the OpenAI shape plus a top-level content', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', {
      model: 'llama3.2:latest',
      messages: [
        { role: 'system', content: 'You are helpful.' }, // 16 chars
        { role: 'user', content: 'What is load testing?' }, // 21 chars
      ],
    });
    expect(status).toBe(200);
    expect(json.object).toBe('chat.completion');
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(json.model).toBe('llama3.2:latest');
    expect(Number.isInteger(json.created)).toBe(true);
    expect(json.choices).toHaveLength(1);
    const choice = json.choices[0];
    expect(choice.index).toBe(0);
    expect(choice.message.role).toBe('assistant');
    expect(typeof choice.message.content).toBe('string');
    expect(choice.message.content.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice.finish_reason);
    // The seed's InferenceUser checks `"content" in response.json()`.
    expect('content' in json).toBe(true);
    expect(json.content).toBe(choice.message.content);
    // ceil((16 + 21) / 4) = 10 prompt tokens; one token per generated word.
    expect(json.usage.prompt_tokens).toBe(10);
    expect(json.usage.completion_tokens).toBe(choice.message.content.split(' ').length);
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens);
  });

  it('respects max_tokens and reports finish_reason length', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', chat('What is load testing?', { max_tokens: 5 }));
    expect(status).toBe(200);
    expect(json.usage.completion_tokens).toBe(5);
    expect(json.content.split(' ')).toHaveLength(5);
    expect(json.choices[0].finish_reason).toBe('length');
  });

  it('is deterministic: the same prompt gets the same answer', async () => {
    const server = await start();
    const a = await post(server, '/v1/chat/completions', chat('Tell me about p99 latency'));
    const b = await post(server, '/v1/chat/completions', chat('Tell me about p99 latency'));
    const c = await post(server, '/v1/chat/completions', chat('Something else entirely, and longer'));
    expect(a.json.content).toBe(b.json.content);
    expect(a.json.id).not.toBe(b.json.id);
    expect(c.json.content).not.toBe(a.json.content);
  });

  it('accepts a model name without a tag as :latest, and text content parts', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', {
      model: 'llama3.2',
      messages: [{ role: 'user', content: [{ type: 'text', text: '12345678' }] }],
    });
    expect(status).toBe(200);
    expect(json.model).toBe('llama3.2');
    expect(json.usage.prompt_tokens).toBe(2);
  });

  it('answers 400 with an OpenAI error object for a bad JSON body', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', '{"model": "llama3.2:latest", ');
    expect(status).toBe(400);
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toMatch(/parse the JSON body/);
    expect(json.error).toHaveProperty('param');
    expect(json.error).toHaveProperty('code');
  });

  it.each([
    ['a JSON array', []],
    ['a missing model', { messages: [{ role: 'user', content: 'hi' }] }],
    ['missing messages', { model: 'llama3.2:latest' }],
    ['empty messages', { model: 'llama3.2:latest', messages: [] }],
    ['a message without role', { model: 'llama3.2:latest', messages: [{ content: 'hi' }] }],
    ['a bad max_tokens', chat('hi', { max_tokens: 0 })],
    ['a bad temperature', chat('hi', { temperature: 'hot' })],
  ])('answers 400 for %s', async (_name, body) => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', body);
    expect(status).toBe(400);
    expect(json.error.type).toBe('invalid_request_error');
    expect(typeof json.error.message).toBe('string');
  });

  it('answers 400 for a stream or stream_options of the wrong type', async () => {
    const server = await start();
    const badStream = await post(server, '/v1/chat/completions', chat('hi', { stream: 'yes' }));
    expect(badStream.status).toBe(400);
    expect(badStream.json.error.param).toBe('stream');
    const badOptions = await post(server, '/v1/chat/completions', chat('hi', { stream: true, stream_options: true }));
    expect(badOptions.status).toBe(400);
    expect(badOptions.json.error.param).toBe('stream_options');
  });

  it('counts the prompt and completion tokens of the answers it sends', async () => {
    const server = await start();
    const a = await post(server, '/v1/chat/completions', chat('first question'));
    const b = await post(server, '/v1/completions', { model: 'llama3.2:1b', prompt: 'second', max_tokens: 3 });
    const counters = server.counters();
    expect(counters.promptTokens).toBe(a.json.usage.prompt_tokens + b.json.usage.prompt_tokens);
    expect(counters.completionTokens).toBe(a.json.usage.completion_tokens + 3);
    expect(counters.streams).toMatchObject({ started: 0, completed: 0, active: 0 });
  });

  it('answers 404 for an unknown model', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/chat/completions', { ...chat(), model: 'gpt-9' });
    expect(status).toBe(404);
    expect(json).toEqual({
      error: { message: "model 'gpt-9' not found", type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
  });
});

describe('POST /v1/completions', () => {
  it('answers a text_completion with usage and top-level content', async () => {
    const server = await start();
    const { status, json } = await post(server, '/v1/completions', { model: 'llama3.1:8b', prompt: 'Once upon a time', max_tokens: 7 });
    expect(status).toBe(200);
    expect(json.object).toBe('text_completion');
    expect(json.choices[0].text).toBe(json.content);
    expect(json.usage).toEqual({ prompt_tokens: 4, completion_tokens: 7, total_tokens: 11 });
  });

  it('answers 400 without a prompt', async () => {
    const server = await start();
    const { status } = await post(server, '/v1/completions', { model: 'llama3.1:8b' });
    expect(status).toBe(400);
  });
});

describe('other routes', () => {
  it('lists the models', async () => {
    const server = await start();
    const { status, json } = await get(server, '/v1/models');
    expect(status).toBe(200);
    expect(json.object).toBe('list');
    const ids = json.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['llama3.2:1b', 'llama3.2:latest', 'llama3.1:8b', 'qwen2.5:14b', 'llama3.1:70b']));
    for (const m of json.data) {
      expect(m.object).toBe('model');
      expect(typeof m.owned_by).toBe('string');
    }
    expect((await get(server, '/v1/models/llama3.1:8b')).json.id).toBe('llama3.1:8b');
    expect((await get(server, '/v1/models/nope')).status).toBe(404);
  });

  it('lists a custom model table', async () => {
    const server = await start({ models: [{ id: 'tiny:1m', parametersB: 0.001, prefillMsPerToken: 0, decodeMsPerToken: 1, contextLength: 8 }] });
    expect((await get(server, '/v1/models')).json.data.map((m: { id: string }) => m.id)).toEqual(['tiny:1m']);
    expect((await post(server, '/v1/chat/completions', chat())).status).toBe(404);
    // 22 chars -> 6 tokens fits in 8; 40 chars -> 10 tokens does not.
    const ok = await post(server, '/v1/chat/completions', { model: 'tiny:1m', messages: [{ role: 'user', content: 'x'.repeat(22) }] });
    expect(ok.status).toBe(200);
    const tooLong = await post(server, '/v1/chat/completions', { model: 'tiny:1m', messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.code).toBe('context_length_exceeded');
  });

  it('answers /health', async () => {
    const server = await start();
    expect(await get(server, '/health')).toEqual({ status: 200, json: { status: 'ok' } });
  });

  it('answers 404 JSON for anything else', async () => {
    const server = await start();
    for (const [method, path] of [['GET', '/v2/whatever'], ['GET', '/v1/chat/completions'], ['DELETE', '/v1/models'], ['POST', '/health']] as const) {
      const res = await fetch(server.url + path, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const json: any = await res.json();
      expect(json.error.message).toBe(`Invalid URL (${method} ${path})`);
    }
  });
});

describe('capacity', () => {
  it('answers 503 at once with Ollama\'s message when more than capacity requests are in flight', async () => {
    const capacity = 4;
    const server = await start({ capacity, fixedLatencyMs: 1500 });
    const results = await Promise.all(
      Array.from({ length: capacity + 3 }, () => post(server, '/v1/chat/completions', chat())),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 503)).toHaveLength(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(capacity);
    const busy = results.find((r) => r.status === 503);
    expect(busy?.json.error.message).toBe(OLLAMA_BUSY_MESSAGE);
    expect(OLLAMA_BUSY_MESSAGE).toBe('server busy, please try again.  maximum pending requests exceeded');

    const counters = server.counters();
    expect(counters.maxInFlight).toBe(capacity);
    expect(counters.inFlight).toBe(0);
    expect(counters.byStatus).toEqual({ 200: capacity, 503: 3 });
  });

  it('admits new requests again once in-flight ones finish', async () => {
    const server = await start({ capacity: 1, fixedLatencyMs: 5 });
    for (let i = 0; i < 3; i++) {
      expect((await post(server, '/v1/chat/completions', chat())).status).toBe(200);
    }
    expect(server.counters().maxInFlight).toBe(1);
  });
});

describe('counters and /stats', () => {
  it('count every response by status and route, and /stats serves the same numbers', async () => {
    const server = await start();
    const sent: Array<Promise<unknown>> = [];
    for (let i = 0; i < 5; i++) sent.push(post(server, '/v1/chat/completions', chat(`question ${i}`)));
    sent.push(post(server, '/v1/chat/completions', 'not json'));
    sent.push(post(server, '/v1/chat/completions', 'also not json'));
    sent.push(post(server, '/v1/chat/completions', { ...chat(), model: 'missing:1b' }));
    sent.push(post(server, '/v1/completions', { model: 'llama3.2:1b', prompt: 'hi' }));
    sent.push(get(server, '/v1/models'));
    sent.push(get(server, '/health'));
    sent.push(get(server, '/nowhere'));
    await Promise.all(sent);

    const counters = server.counters();
    expect(counters.requests).toBe(12);
    expect(counters.byStatus).toEqual({ 200: 8, 400: 2, 404: 2 });
    expect(counters.byRoute).toEqual({
      'POST /v1/chat/completions': { 200: 5, 400: 2, 404: 1 },
      'POST /v1/completions': { 200: 1 },
      'GET /v1/models': { 200: 1 },
      'GET /health': { 200: 1 },
      unmatched: { 404: 1 },
    });
    expect(counters.inFlight).toBe(0);
    expect(counters.maxInFlight).toBeGreaterThanOrEqual(1);

    // Reading /stats does not count itself.
    const stats = (await get(server, '/stats')).json;
    const again = (await get(server, '/stats')).json;
    for (const s of [stats, again]) {
      expect(s.requests).toBe(12);
      expect(s.byStatus).toEqual({ '200': 8, '400': 2, '404': 2 });
      expect(s.byRoute['POST /v1/chat/completions']).toEqual({ '200': 5, '400': 2, '404': 1 });
      expect(s.capacity).toBe(16);
    }
    expect(server.counters().requests).toBe(12);
  });

  it('returns snapshots that later requests do not change', async () => {
    const server = await start();
    const before = server.counters();
    await get(server, '/health');
    expect(before.requests).toBe(0);
    expect(before.byStatus).toEqual({});
    expect(server.counters().requests).toBe(1);
  });

  it('counts a request the client abandoned as 499 and frees its slot', async () => {
    const server = await start({ fixedLatencyMs: 10_000 });
    const controller = new AbortController();
    const pending = post(server, '/v1/chat/completions', chat(), { signal: controller.signal }).catch((err: unknown) => err);
    await waitUntil(() => server.counters().inFlight === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitUntil(() => server.counters().inFlight === 0);
    await waitUntil(() => server.counters().requests === 1);
    expect(server.counters().byStatus).toEqual({ 499: 1 });
  });
});

describe('errorRate', () => {
  it('errorRate 1 answers every generation request with 500', async () => {
    const server = await start({ errorRate: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, () => post(server, '/v1/chat/completions', chat())));
    for (const r of results) {
      expect(r.status).toBe(500);
      expect(r.json.error.type).toBe('server_error');
    }
    // Validation still comes first, and non-generation routes are unaffected.
    expect((await post(server, '/v1/chat/completions', 'nope')).status).toBe(400);
    expect((await get(server, '/health')).status).toBe(200);
    expect(server.counters().byStatus).toEqual({ 500: 10, 400: 1, 200: 1 });
  });

  it('a fractional errorRate fails some requests, reproducibly for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const server = await start({ errorRate: 0.5, seed: 7, fixedLatencyMs: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await post(server, '/v1/chat/completions', chat())).status);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(200);
    expect(a).toContain(500);
  });
});
