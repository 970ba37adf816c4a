import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer } from './index.ts';
import type { MockServer, MockServerOptions } from './index.ts';
import { PrefixCache } from './prefix-cache.ts';

const servers: MockServer[] = [];

async function start(options: MockServerOptions = {}): Promise<MockServer> {
  const server = await createMockServer({ speed: 200, jitter: 0, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(server: MockServer, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

// One token a word: the rule a test can check by counting words.
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the prefix cache rule', () => {
  it('shares the longest prefix ending at a word boundary of both prompts, never a whole prompt', () => {
    const cache = new PrefixCache();
    expect(cache.lookup('m', 'the of and to')).toBe('');
    expect(cache.lookup('m', 'the of and in')).toBe('the of and');
    // "of" and "offer" share characters, not a word.
    expect(cache.lookup('m', 'the offer')).toBe('the');
    expect(cache.lookup('m', 'the of and to it')).toBe('the of and to');
    // The same prompt again: all but its last word.
    expect(cache.lookup('m', 'the of and to it')).toBe('the of and to');
    // Another model has its own cache.
    expect(cache.lookup('n', 'the of and to it')).toBe('');
  });
});

describe('the mock counting tokens with a given rule', () => {
  it("reports usage.prompt_tokens by the rule, each chat message's content counted", async () => {
    const server = await start({ countTokens: words });
    const r = await post(server, '/v1/chat/completions', {
      model: 'llama3.2:latest',
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'what is a load test' }],
      max_tokens: 3,
    });
    expect(r.status).toBe(200);
    expect(r.json.usage.prompt_tokens).toBe(7);
    expect(r.json.usage).not.toHaveProperty('prompt_tokens_details');
    const c = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'one two three', max_tokens: 3 });
    expect(c.json.usage.prompt_tokens).toBe(3);
    expect(server.counters().promptTokens).toBe(10);
  });

  it('reports cached tokens of a shared prefix, streamed and not, and counts them', async () => {
    const server = await start({ countTokens: words, prefixCache: true });
    const prefix = 'the of and to in is that for';
    const first = await post(server, '/v1/chat/completions', { model: 'llama3.2:latest', messages: [{ role: 'user', content: `${prefix} it was` }], max_tokens: 2 });
    expect(first.json.usage.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    const second = await post(server, '/v1/chat/completions', { model: 'llama3.2:latest', messages: [{ role: 'user', content: `${prefix} on be by` }], max_tokens: 2 });
    expect(second.json.usage).toMatchObject({ prompt_tokens: 11, prompt_tokens_details: { cached_tokens: 8 } });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2:latest', messages: [{ role: 'user', content: `${prefix} at this` }], max_tokens: 2, stream: true, stream_options: { include_usage: true } }),
    });
    const text = await res.text();
    const usageLine = text.split('\n').find((l) => l.includes('"usage"') && l.includes('prompt_tokens_details'))!;
    expect(JSON.parse(usageLine.slice('data: '.length)).usage.prompt_tokens_details).toEqual({ cached_tokens: 8 });
    expect(server.counters().cachedTokens).toBe(16);
  });
});

describe('min_tokens and ignore_eos', () => {
  it('generates exactly max_tokens with ignore_eos, at least min_tokens with min_tokens', async () => {
    const server = await start();
    const eos = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'hi', max_tokens: 300, ignore_eos: true });
    expect(eos.json.usage.completion_tokens).toBe(300);
    expect(eos.json.choices[0].finish_reason).toBe('length');
    const natural = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'hi', max_tokens: 300 });
    expect(natural.json.usage.completion_tokens).toBeLessThan(300);
    const min = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'hi', max_tokens: 300, min_tokens: 250 });
    expect(min.json.usage.completion_tokens).toBe(250);
  });

  it('refuses a min_tokens or ignore_eos of the wrong type', async () => {
    const server = await start();
    const a = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'hi', min_tokens: -1 });
    expect(a.status).toBe(400);
    expect(a.json.error.param).toBe('min_tokens');
    const b = await post(server, '/v1/completions', { model: 'llama3.2:latest', prompt: 'hi', ignore_eos: 'yes' });
    expect(b.status).toBe(400);
    expect(b.json.error.param).toBe('ignore_eos');
  });
});
