import { waitUntil } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, OLLAMA_BUSY_MESSAGE } from './index.ts';
import type { MockServer, MockServerOptions } from './index.ts';

// The native API is read with fetch and split into lines by hand: the client side of NDJSON
// is tested in @locusta/http, so a bug in one does not hide a bug in the other.

const servers: MockServer[] = [];

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  const server = await createMockServer({ speed: 50, jitter: 0, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(server: MockServer, path: string, body: unknown): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The objects of an NDJSON body; every line must be one. */
function lines(text: string): any[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2:1b',
  messages: [{ role: 'user', content: 'Why is the sky blue?' }],
  ...extra,
});

const TIMINGS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'];

function expectFinal(last: any, evalCount: number): void {
  expect(last.done).toBe(true);
  expect(['stop', 'length']).toContain(last.done_reason);
  for (const key of TIMINGS) expect(Number.isInteger(last[key]) && last[key] >= 0, key).toBe(true);
  expect(last.eval_count).toBe(evalCount);
  // The parts of the server's time add up to no more than its total.
  expect(last.load_duration + last.prompt_eval_duration + last.eval_duration).toBeLessThanOrEqual(last.total_duration + 3);
}

describe('POST /api/chat', () => {
  it('streams NDJSON by default: one message chunk a token, then the final object with the timings', async () => {
    const server = await start();
    const { status, type, text } = await post(server, '/api/chat', chat());
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/x-ndjson/);
    const objects = lines(text);
    const chunks = objects.slice(0, -1);
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) {
      expect(c.model).toBe('llama3.2:1b');
      expect(Number.isNaN(Date.parse(c.created_at))).toBe(false);
      expect(c.done).toBe(false);
      expect(c.message.role).toBe('assistant');
      expect(c.message.content).not.toBe('');
      expect(c.message).not.toHaveProperty('thinking');
    }
    const last = objects.at(-1);
    expectFinal(last, chunks.length);
    expect(last.message).toEqual({ role: 'assistant', content: '' });
    expect(last.prompt_eval_count).toBe(Math.ceil('Why is the sky blue?'.length / 4));
    // The mock counts what it sent.
    const counters = server.counters();
    expect(counters.completionTokens).toBe(last.eval_count);
    expect(counters.byRoute['POST /api/chat']).toEqual({ 200: 1 });
    expect(counters.streams.completed).toBe(1);
  });

  it('with think: true sends thinking chunks before the content chunks, and eval_count counts both', async () => {
    const server = await start();
    const objects = lines((await post(server, '/api/chat', chat({ think: true }))).text);
    const chunks = objects.slice(0, -1);
    const kinds = chunks.map((c) => (c.message.thinking !== undefined ? 'thinking' : 'content'));
    const firstContent = kinds.indexOf('content');
    expect(firstContent).toBeGreaterThan(0);
    expect(kinds.slice(0, firstContent).every((k) => k === 'thinking')).toBe(true);
    expect(kinds.slice(firstContent).every((k) => k === 'content')).toBe(true);
    for (const c of chunks.slice(0, firstContent)) {
      expect(c.message.content).toBe('');
      expect(c.message.thinking).not.toBe('');
    }
    expectFinal(objects.at(-1), chunks.length);
  });

  it('with stream: false answers one JSON object with the whole message, thinking apart', async () => {
    const server = await start();
    const streamed = lines((await post(server, '/api/chat', chat({ think: true }))).text);
    const { status, type, text } = await post(server, '/api/chat', chat({ think: true, stream: false }));
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const answer = JSON.parse(text);
    const chunks = streamed.slice(0, -1);
    expect(answer.message.thinking).toBe(chunks.map((c) => c.message.thinking ?? '').join(''));
    expect(answer.message.content).toBe(chunks.map((c) => c.message.content).join(''));
    expectFinal(answer, chunks.length);
  });

  it('cuts the generation at options.num_predict, thinking included, with done_reason length', async () => {
    const server = await start();
    const objects = lines((await post(server, '/api/chat', chat({ think: true, options: { num_predict: 5 }, keep_alive: '5m' }))).text);
    expect(objects).toHaveLength(6);
    expect(objects.at(-1).done_reason).toBe('length');
    expect(objects.at(-1).eval_count).toBe(5);
  });

  it('reports the time its latency model took: with a fixed latency, total_duration covers it', async () => {
    const server = await start({ fixedLatencyMs: 150 });
    const whole = JSON.parse((await post(server, '/api/chat', chat({ stream: false }))).text);
    // The answer is sent when the 150 ms are over: the server's total includes them.
    expect(whole.total_duration).toBeGreaterThanOrEqual(149e6);
    // The first token is due after a fifth of it (the model's time to first token).
    expect(Math.abs(whole.load_duration + whole.prompt_eval_duration - 150e6 * 0.2)).toBeLessThanOrEqual(2);
    const streamed = lines((await post(server, '/api/chat', chat())).text).at(-1);
    expect(streamed.total_duration).toBeGreaterThanOrEqual(149e6);
    expect(streamed.load_duration + streamed.prompt_eval_duration).toBeGreaterThanOrEqual(29e6);
  });

  it('only loads the model for empty messages', async () => {
    const server = await start();
    const answer = JSON.parse((await post(server, '/api/chat', { model: 'llama3.2:1b', messages: [] })).text);
    expect(answer).toMatchObject({ done: true, done_reason: 'load' });
  });

  it.each([
    ['bad JSON', '{"model":', 400],
    ['no model', { messages: [{ role: 'user', content: 'hi' }] }, 400],
    ['a bad stream', chat({ stream: 'yes' }), 400],
    ['a bad num_predict', chat({ options: { num_predict: 'many' } }), 400],
    ['an unknown model', chat({ model: 'nope:1b' }), 404],
  ])('answers %s with {"error": ...}', async (_name, body, status) => {
    const server = await start();
    const answer = await post(server, '/api/chat', body);
    expect(answer.status).toBe(status);
    expect(typeof JSON.parse(answer.text).error).toBe('string');
  });

  it('answers 503 with the scheduler error when it is full', async () => {
    const server = await start({ capacity: 1, speed: 1 });
    const first = fetch(server.url + '/api/chat', { method: 'POST', body: JSON.stringify(chat()) });
    await waitUntil(() => server.counters().inFlight === 1);
    const busy = await post(server, '/api/chat', chat());
    expect(busy.status).toBe(503);
    expect(JSON.parse(busy.text)).toEqual({ error: OLLAMA_BUSY_MESSAGE });
    await (await first).text();
  });
});

describe('POST /api/generate', () => {
  it('streams response chunks (thinking first with think), and stream: false joins them', async () => {
    const server = await start();
    const body = { model: 'llama3.2:1b', prompt: 'Write a haiku.', think: true };
    const objects = lines((await post(server, '/api/generate', body)).text);
    const chunks = objects.slice(0, -1);
    const thinking = chunks.filter((c) => c.thinking !== undefined);
    expect(thinking.length).toBeGreaterThan(0);
    for (const c of thinking) expect(c.response).toBe('');
    expect(chunks.slice(thinking.length).every((c) => c.response !== '' && c.thinking === undefined)).toBe(true);
    expectFinal(objects.at(-1), chunks.length);
    expect(objects.at(-1).response).toBe('');

    const whole = JSON.parse((await post(server, '/api/generate', { ...body, stream: false })).text);
    expect(whole.response).toBe(chunks.map((c) => c.response).join(''));
    expect(whole.thinking).toBe(thinking.map((c) => c.thinking).join(''));
    expectFinal(whole, chunks.length);
  });
});

describe('prompt_eval_count by the counting rule and the prefix cache', () => {
  const words = (text: string) => text.split(/\s+/).filter((w) => w !== '').length;
  const prompt = (tail: string) => ({ model: 'llama3.2:1b', messages: [{ role: 'system', content: 'You answer briefly.' }, { role: 'user', content: `shared words of a long prefix ${tail}` }], stream: false });

  it('counts each message with countTokens; without a cache there is no cached count', async () => {
    const server = await start({ countTokens: words });
    const answer = JSON.parse((await post(server, '/api/chat', prompt('one two'))).text);
    expect(answer.prompt_eval_count).toBe(3 + 8);
    expect(answer).not.toHaveProperty('prompt_eval_cached_count');
    const generated = JSON.parse((await post(server, '/api/generate', { model: 'llama3.2:1b', system: 'Be brief.', prompt: 'why is it blue', stream: false })).text);
    expect(generated.prompt_eval_count).toBe(2 + 4);
  });

  it('whole (default): the whole prompt, the cached part in prompt_eval_cached_count, streamed too', async () => {
    const server = await start({ countTokens: words, prefixCache: true });
    const first = JSON.parse((await post(server, '/api/chat', prompt('one two'))).text);
    expect(first).toMatchObject({ prompt_eval_count: 11, prompt_eval_cached_count: 0 });
    const second = lines((await post(server, '/api/chat', { ...prompt('three four'), stream: true })).text).at(-1);
    // The system message and the shared words are cached: 3 + 6 of the 11 tokens.
    expect(second).toMatchObject({ prompt_eval_count: 11, prompt_eval_cached_count: 9 });
    expect(server.counters()).toMatchObject({ promptTokens: 22, cachedTokens: 9 });
  });

  it('evaluated: only the tokens evaluated, no cached count (as some Ollama versions report)', async () => {
    const server = await start({ countTokens: words, prefixCache: true, ollamaPromptCount: 'evaluated' });
    expect(JSON.parse((await post(server, '/api/chat', prompt('one two'))).text).prompt_eval_count).toBe(11);
    const second = JSON.parse((await post(server, '/api/chat', prompt('three four'))).text);
    expect(second.prompt_eval_count).toBe(2);
    expect(second).not.toHaveProperty('prompt_eval_cached_count');
  });
});

describe('POST /api/embed', () => {
  it('embeds a string or an array of strings', async () => {
    const server = await start();
    const one = JSON.parse((await post(server, '/api/embed', { model: 'llama3.2:1b', input: 'hello' })).text);
    expect(one.embeddings).toHaveLength(1);
    expect(one.embeddings[0].length).toBeGreaterThan(0);
    expect(one.prompt_eval_count).toBe(2);
    expect(Number.isInteger(one.total_duration)).toBe(true);
    const two = JSON.parse((await post(server, '/api/embed', { model: 'llama3.2:1b', input: ['hello', 'world'] })).text);
    expect(two.embeddings).toHaveLength(2);
    expect(two.embeddings[0]).toEqual(one.embeddings[0]);
    expect((await post(server, '/api/embed', { model: 'llama3.2:1b', input: 3 })).status).toBe(400);
  });
});

describe('GET /api/tags', () => {
  it('lists the models', async () => {
    const server = await start();
    const res = await fetch(server.url + '/api/tags');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { models: Array<{ name: string; model: string; details: { family: string } }> };
    expect(body.models.map((m) => m.name)).toContain('llama3.2:1b');
    expect(body.models[0]!.details.family).toBe('llama3.2');
  });
});
