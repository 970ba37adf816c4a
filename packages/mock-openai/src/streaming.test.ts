import type { RequestEvent } from '@locusta/core';
import { HttpUser } from '@locusta/http';
import type { HttpSession, StreamedResponse } from '@locusta/http';
import { recordRequests, testEnvironment } from '@locusta/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockServer, OLLAMA_BUSY_MESSAGE } from './index.ts';
import type { MockServer, MockServerOptions } from './index.ts';

// The streams are read with @locusta/http's streamed responses, as a load test would.

const servers: MockServer[] = [];
const sessions: HttpSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close(true);
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  const server = await createMockServer({ speed: 50, jitter: 0, ...options });
  servers.push(server);
  return server;
}

class StreamingUser extends HttpUser {}

function clientFor(server: MockServer): { client: HttpSession; requests: RequestEvent[] } {
  const env = testEnvironment({ host: server.url });
  const requests = recordRequests(env);
  const client = new StreamingUser(env).client;
  sessions.push(client);
  return { client, requests };
}

const chat = (content = 'What is load testing?', extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2:latest',
  messages: [{ role: 'user', content }],
  ...extra,
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

interface ReadStream {
  response: StreamedResponse;
  chunks: any[];
  /** Content deltas, in order. */
  tokens: string[];
  done: boolean;
}

async function readStream(client: HttpSession, body: unknown, path = '/v1/chat/completions'): Promise<ReadStream> {
  const response = await client.post(path, { json: body, stream: true });
  const out: ReadStream = { response, chunks: [], tokens: [], done: false };
  for await (const event of response.events()) {
    expect(out.done).toBe(false);
    if (event.data === '[DONE]') {
      out.done = true;
      continue;
    }
    const chunk = JSON.parse(event.data);
    out.chunks.push(chunk);
    const content = chunk.choices?.[0]?.delta?.content ?? chunk.choices?.[0]?.text;
    if (content) out.tokens.push(content);
  }
  return out;
}

describe('stream: true on /v1/chat/completions', () => {
  it('sends a role chunk, one chunk per token, the finish chunk, usage, then [DONE]', async () => {
    const server = await start();
    const { client, requests } = clientFor(server);
    const plain = (await client.post('/v1/chat/completions', { json: chat() })).json();
    const read = await readStream(client, chat(undefined, { stream: true, stream_options: { include_usage: true } }));

    expect(read.response.status).toBe(200);
    expect(read.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(read.done).toBe(true);
    const { chunks } = read;
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: chunks[0].id, object: 'chat.completion.chunk', model: 'llama3.2:latest' });
    }
    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    const content = chunks.slice(1, -2);
    expect(content).toHaveLength(plain.usage.completion_tokens);
    for (const chunk of content) {
      expect(Object.keys(chunk.choices[0].delta)).toEqual(['content']);
      expect(chunk.choices[0].delta.content).toMatch(/^ ?[^ ]+$/); // one word: one token
      expect(chunk.choices[0].finish_reason).toBeNull();
      expect(chunk.usage).toBeNull();
    }
    expect(chunks.at(-2).choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: plain.choices[0].finish_reason }]);
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(plain.usage);
    // The deltas make up the same text a plain answer to the same request has.
    expect(read.tokens.join('')).toBe(plain.content);

    expect(requests.map((r) => [r.responseLength, r.exception])).toEqual([
      [expect.any(Number), undefined],
      [read.response.size, undefined],
    ]);
  });

  it('sends no usage chunk unless stream_options.include_usage is true', async () => {
    const server = await start();
    const { client } = clientFor(server);
    const read = await readStream(client, chat(undefined, { stream: true, max_tokens: 4 }));
    expect(read.tokens).toHaveLength(4);
    expect(read.chunks).toHaveLength(6);
    expect(read.chunks.at(-1).choices[0].finish_reason).toBe('length');
    for (const chunk of read.chunks) expect(chunk).not.toHaveProperty('usage');
  });

  it('gives the same tokens for the same request (deterministic with jitter 0)', async () => {
    const server = await start();
    const { client } = clientFor(server);
    const body = chat('Tell me about p99 latency', { stream: true, stream_options: { include_usage: true } });
    const a = await readStream(client, body);
    const b = await readStream(client, body);
    expect(b.tokens).toEqual(a.tokens);
    expect(b.chunks.at(-1).usage).toEqual(a.chunks.at(-1).usage);
  });

  it("counts what it sent: the client's token counts equal the server's counters", async () => {
    const server = await start();
    const { client, requests } = clientFor(server);
    const reads = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        readStream(client, chat(`question number ${i} ${'x'.repeat(i * 40)}`, { stream: true, stream_options: { include_usage: true } })),
      ),
    );
    const completion = reads.reduce((sum, r) => sum + r.tokens.length, 0);
    const prompt = reads.reduce((sum, r) => sum + r.chunks.at(-1).usage.prompt_tokens, 0);
    for (const r of reads) expect(r.tokens).toHaveLength(r.chunks.at(-1).usage.completion_tokens);

    const counters = server.counters();
    expect(counters.completionTokens).toBe(completion);
    expect(counters.promptTokens).toBe(prompt);
    expect(counters.streams).toMatchObject({ started: 6, completed: 6, abandoned: 0, active: 0, decoding: 0 });
    expect(counters.byRoute['POST /v1/chat/completions']).toEqual({ 200: 6 });
    expect(counters.inFlight).toBe(0);
    const stats = (await client.get('/stats')).json();
    expect(stats.completionTokens).toBe(completion);
    expect(stats.streams.started).toBe(6);
    expect(requests.filter((r) => r.name === '/v1/chat/completions')).toHaveLength(6);
  });

  it("answers 503 with Ollama's message above the queue limit", async () => {
    const server = await start({ capacity: 2, fixedLatencyMs: 20_000 });
    const { client, requests } = clientFor(server);
    const open = [
      await client.post('/v1/chat/completions', { json: chat(undefined, { stream: true }), stream: true }),
      await client.post('/v1/chat/completions', { json: chat(undefined, { stream: true }), stream: true }),
    ];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const busy = await client.post('/v1/chat/completions', { json: chat(undefined, { stream: true }), stream: true });
    expect(busy.status).toBe(503);
    expect(busy.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(Buffer.concat(await collect(busy.chunks())).toString());
    expect(body).toEqual({ error: { message: OLLAMA_BUSY_MESSAGE, type: 'api_error', param: null, code: null } });
    expect((requests.at(-1)!.exception as Error).message).toMatch(/^503 Server Error/);
    expect(server.counters().streams).toMatchObject({ started: 2, active: 2 });
  });

  it('frees the slot of a stream the client closes, counting it as abandoned (499)', async () => {
    const server = await start({ speed: 1, tokenBudget: 20 });
    const { client, requests } = clientFor(server);
    const response = await client.post('/v1/chat/completions', { json: chat(undefined, { stream: true }), stream: true });
    let received = 0;
    for await (const event of response.events()) {
      const delta = JSON.parse(event.data).choices[0].delta;
      if (delta.content) received++;
      if (received === 2) response.close();
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBeUndefined();
    await vi.waitFor(() => expect(server.counters().streams.active).toBe(0));
    const counters = server.counters();
    expect(counters.streams).toMatchObject({ started: 1, completed: 0, abandoned: 1, decoding: 0 });
    expect(counters.byStatus).toEqual({ 499: 1 });
    expect(counters.inFlight).toBe(0);
    expect(counters.completionTokens).toBeGreaterThanOrEqual(2);
  });

  it('sends : ping comments when asked, before the first token when prefill is slow', async () => {
    const server = await start({ fixedLatencyMs: 200, pingIntervalMs: 5 });
    const { client } = clientFor(server);
    const response = await client.post('/v1/chat/completions', { json: chat(undefined, { stream: true }), stream: true });
    const lines = await collect(response.lines());
    expect(lines[0]).toBe(': ping');
    expect(lines.at(-2)).toBe('data: [DONE]');

    // Off by default.
    const quiet = await readStream(clientFor(await start({ fixedLatencyMs: 200 })).client, chat(undefined, { stream: true }));
    expect(quiet.done).toBe(true);
    expect(quiet.response.comments).toBe(0);
  });

  it('streams /v1/completions as text_completion chunks', async () => {
    const server = await start();
    const { client } = clientFor(server);
    const body = { model: 'llama3.1:8b', prompt: 'Once upon a time', max_tokens: 5, stream: true, stream_options: { include_usage: true } };
    const read = await readStream(client, body, '/v1/completions');
    expect(read.done).toBe(true);
    expect(read.tokens).toHaveLength(5);
    for (const chunk of read.chunks) expect(chunk.object).toBe('text_completion');
    expect(read.chunks.at(-2).choices[0]).toEqual({ index: 0, text: '', logprobs: null, finish_reason: 'length' });
    expect(read.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 } });
  });
});

describe('the token budget', () => {
  const longPrompt = 'How do tail latencies grow under load? '.repeat(14);

  it('shares the budget equally between the streams decoding at once', async () => {
    const server = await start({ speed: 1, tokenBudget: 40 });
    const { client } = clientFor(server);
    const body = chat(longPrompt, { model: 'llama3.2:1b', stream: true });
    const first = await client.post('/v1/chat/completions', { json: body, stream: true });
    await vi.waitFor(() => expect(server.counters().streams.decoding).toBe(1));
    expect(server.counters().streams.budgetShare).toBe(40);
    const more = await Promise.all([1, 2, 3].map(() => client.post('/v1/chat/completions', { json: body, stream: true })));
    await vi.waitFor(() => expect(server.counters().streams.decoding).toBe(4));
    expect(server.counters().streams.budgetShare).toBe(10);
    for (const response of [first, ...more]) response.close();
    await vi.waitFor(() => expect(server.counters().streams.decoding).toBe(0));
    expect(server.counters().streams.budgetShare).toBeNull();
  });

  it('slows each stream as concurrency rises: a lone stream is done before four sharing the budget', async () => {
    // 125 tok/s of its own; a 100 tok/s budget makes a lone stream 100 tok/s and four streams 25 each.
    const options = { speed: 2, tokenBudget: 100 };
    const lone = clientFor(await start(options)).client;
    const shared = clientFor(await start(options)).client;
    const body = chat(longPrompt, { model: 'llama3.2:1b', max_tokens: 24, stream: true });
    const counts = [0, 0, 0, 0];
    let atLoneEnd: number[] | undefined;
    const loneRead = readStream(lone, body).then((read) => {
      atLoneEnd = [...counts];
      return read;
    });
    const sharedReads = counts.map(async (_, i) => {
      const response = await shared.post('/v1/chat/completions', { json: body, stream: true });
      for await (const event of response.events()) {
        if (event.data !== '[DONE]' && JSON.parse(event.data).choices[0].delta.content) counts[i]!++;
      }
    });
    expect((await loneRead).tokens).toHaveLength(24);
    await Promise.all(sharedReads);
    expect(counts).toEqual([24, 24, 24, 24]);
    // When the lone stream had all its tokens, none of the four had.
    for (const count of atLoneEnd!) expect(count).toBeLessThan(24);
  });
});

describe('reasoning mode (reasoningTokens)', () => {
  /** Reasoning deltas of a chat stream, in order. */
  const reasoningOf = (chunks: any[], field = 'reasoning_content') => chunks.map((c) => c.choices?.[0]?.delta?.[field]).filter(Boolean);

  it('streams the reasoning tokens before the first content token and reports them in usage', async () => {
    const server = await start({ reasoningTokens: 40 });
    const { client } = clientFor(server);
    const read = await readStream(client, chat(undefined, { stream: true, max_tokens: 50, stream_options: { include_usage: true } }));
    const kinds = read.chunks.map((c) => (c.choices?.[0]?.delta?.reasoning_content ? 'r' : c.choices?.[0]?.delta?.content ? 'c' : '-')).join('');
    // Role chunk, 40 reasoning deltas, 10 content deltas, finish and usage chunks.
    expect(kinds).toBe(`-${'r'.repeat(40)}${'c'.repeat(10)}--`);
    expect(reasoningOf(read.chunks)).toHaveLength(40);
    expect(read.tokens).toHaveLength(10);
    expect(read.chunks.at(-1).usage).toMatchObject({ completion_tokens: 50, completion_tokens_details: { reasoning_tokens: 40 } });
    expect(read.chunks.at(-2).choices[0].finish_reason).toBe('length');
    expect([server.counters().completionTokens, server.counters().reasoningTokens]).toEqual([50, 40]);
  });

  it('puts reasoning under `reasoning` when asked, and in the message of a plain answer', async () => {
    const server = await start({ reasoningTokens: 3, reasoningField: 'reasoning' });
    const { client } = clientFor(server);
    const read = await readStream(client, chat(undefined, { stream: true }));
    expect(reasoningOf(read.chunks, 'reasoning')).toHaveLength(3);
    expect(reasoningOf(read.chunks)).toHaveLength(0);
    const plain = (await client.post('/v1/chat/completions', { json: chat() })).json();
    const message = plain.choices[0].message;
    expect(message.reasoning.split(' ')).toHaveLength(3);
    expect(message.content).toBe(read.tokens.join(''));
    expect(plain.usage.completion_tokens).toBe(3 + read.tokens.length);
    expect(plain.usage.completion_tokens_details).toEqual({ reasoning_tokens: 3 });
  });

  it('leaves text completions and a server without the mode as they were', async () => {
    const server = await start({ reasoningTokens: 5 });
    const { client } = clientFor(server);
    const text = (await client.post('/v1/completions', { json: { model: 'llama3.2:latest', prompt: 'Hi' } })).json();
    expect(text.usage.completion_tokens_details).toBeUndefined();
    const plainServer = await start();
    const plain = (await clientFor(plainServer).client.post('/v1/chat/completions', { json: chat() })).json();
    expect(plain.usage.completion_tokens_details).toBeUndefined();
    expect(plain.choices[0].message).toEqual({ role: 'assistant', content: plain.content });
  });
});
