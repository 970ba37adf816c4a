import type { ServerResponse } from 'node:http';
import { constant, task } from '@locusta/core';
import { createMockServer } from '@locusta/mock-openai';
import type { MockServer } from '@locusta/mock-openai';
import { LocalRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { bodyOf, serve, testEnvironment, waitUntil } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLlmStats } from './attach.ts';
import type { LlmStats } from './llm-stats.ts';
import { parseOllamaChunk } from './ollama-chunks.ts';
import { ollamaStatsOf } from './ollama-output.ts';
import type { OllamaBody, OllamaResult } from './ollama-user.ts';
import { OllamaUser } from './ollama-user.ts';

const MODEL = 'llama3.2:1b';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function mock(options: Parameters<typeof createMockServer>[0] = {}): Promise<MockServer> {
  const server = await createMockServer({ jitter: 0, seed: 3, speed: 20, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** Runs `users` users of `cls` until LlmStats holds `requests` requests, then stops gracefully. */
async function run(cls: typeof OllamaUser, host: string, users: number, requests: number): Promise<{ llm: LlmStats; stats: RequestStats }> {
  const env = testEnvironment({ userClasses: [cls], host, stopTimeout: 30 });
  const llm = attachLlmStats(env, { role: 'local' });
  const stats = new RequestStats();
  const runner = new LocalRunner(env, stats, new ExceptionStats());
  cleanups.push(() => runner.quit());
  await runner.start(users, 100);
  await waitUntil(() => llm.total.requests >= requests, 20_000);
  await runner.quit();
  return { llm, stats };
}

/** A user class whose one task sends `body` (a new prompt each time) through `call`, keeping the results in `results`. */
function userClass(call: 'chat' | 'generate', body: OllamaBody, results: OllamaResult[] = []): typeof OllamaUser {
  let n = 0;
  return class extends OllamaUser {
    waitTime = constant(0);
    @task async t() {
      n++;
      const content = `Question number ${n}: what is load testing?`;
      const prompt = call === 'chat' ? { messages: [{ role: 'user', content }] } : { prompt: content };
      results.push(await this[call]({ model: MODEL, ...prompt, ...body }));
    }
  };
}

describe('OllamaUser against the mock server, through a LocalRunner', () => {
  it('streams chat with thinking: tokens are eval_count, TTFT is the first thinking chunk, requests are recorded', async () => {
    const server = await mock();
    const results: OllamaResult[] = [];
    const { llm, stats } = await run(userClass('chat', { think: true, options: { num_predict: 100 } }, results), server.url, 3, 20);
    const counters = server.counters();
    const t = llm.total;
    expect(t.requests).toBe(counters.requests);
    expect(t.successes).toBe(t.requests);
    expect(t.outputTokens).toBe(counters.completionTokens);
    expect(t.inputTokens).toBe(counters.promptTokens);
    expect(t.tokenSource).toBe('usage');
    expect(t.count('ttft')).toBe(t.requests);
    // One chunk a token: one ITL sample per token after the first.
    expect(t.count('itl')).toBe(t.outputTokens - t.requests);
    expect(stats.total.numRequests).toBe(t.requests);
    expect(stats.total.numFailures).toBe(0);
    expect(llm.entries().map((e) => [e.name, e.model])).toEqual([['/api/chat', MODEL]]);
    expect(results.length).toBe(t.requests);
    for (const r of results) {
      expect(r.outcome).toBe('success');
      expect(r.thinking).not.toBe('');
      expect(r.text).not.toBe('');
      expect(r.outputTokens).toBe(r.final!.eval_count);
      expect(r.thinking.split(' ').length + r.text.split(' ').length).toBe(r.outputTokens);
      expect(r.timings.ttft).toBeGreaterThan(0);
      expect(r.timings.ttft).toBeLessThanOrEqual(r.timings.e2e);
      // The answer starts after the thinking.
      expect(r.timings.answerTtft).toBeGreaterThan(r.timings.ttft!);
      expect(r.timings.answerTtft).toBeLessThanOrEqual(r.timings.e2e);
      expect(r.thinkingChunks).toBe(r.thinking.split(' ').length);
      expect(r.final!.total_duration).toBeGreaterThan(0);
    }
  });

  it('generate streams the same way; stream: false has no TTFT and still takes eval_count', async () => {
    const server = await mock();
    const streamed = await run(userClass('generate', {}), server.url, 2, 6);
    expect(streamed.llm.total.outputTokens).toBe(server.counters().completionTokens);
    expect(streamed.llm.entries().map((e) => e.name)).toEqual(['/api/generate']);
    expect(streamed.llm.total.count('ttft')).toBe(streamed.llm.total.requests);

    const server2 = await mock();
    const whole = await run(userClass('chat', { stream: false, think: true }), server2.url, 2, 6);
    expect(whole.llm.total.outputTokens).toBe(server2.counters().completionTokens);
    expect(whole.llm.total.inputTokens).toBe(server2.counters().promptTokens);
    expect(whole.llm.total.count('ttft')).toBe(0);
    expect(whole.llm.total.tokenSource).toBe('usage');
  });

  it('counts 503s past the server capacity as shed, and as successes in the request stats', async () => {
    const server = await mock({ capacity: 1, speed: 5 });
    const { llm, stats } = await run(userClass('chat', {}), server.url, 5, 30);
    const counters = server.counters();
    expect(llm.total.shed).toBeGreaterThan(0);
    expect(llm.total.shed).toBe(counters.byStatus[503]);
    expect(llm.total.failures).toBe(0);
    expect(stats.total.numFailures).toBe(0);
  });

  it("records neither LLM metrics nor the server's timings for requests started in the warm-up", async () => {
    const server = await mock();
    const env = testEnvironment({ userClasses: [userClass('chat', { think: true, options: { num_predict: 20 } })], host: server.url, stopTimeout: 30 });
    env.measurement.configure({ warmup: 3600 });
    const llm = attachLlmStats(env, { role: 'local' });
    const stats = new RequestStats();
    const runner = new LocalRunner(env, stats, new ExceptionStats());
    cleanups.push(() => runner.quit());
    await runner.start(2, 100);
    await waitUntil(() => env.measurement.excluded.warmup >= 6, 20_000);
    expect(stats.total.numRequests).toBe(0);
    expect(llm.total.requests).toBe(0);
    expect(ollamaStatsOf(env).entries()).toEqual([]);
    // The warm-up ends now: what starts from here is recorded by all three.
    env.measurement.set({ warmupEnd: 0, cooldownStart: null }, false);
    await waitUntil(() => llm.total.requests >= 6, 20_000);
    await runner.quit();
    expect(ollamaStatsOf(env).entries().length).toBeGreaterThan(0);
  });
});

/** One user's call against a server that answers with `write`. */
async function oneCall(write: (res: ServerResponse) => void, body: OllamaBody = { model: MODEL, prompt: 'hi' }): Promise<{ result: OllamaResult; llm: LlmStats; stats: RequestStats }> {
  const origin = await serve(async (req, res) => {
    await bodyOf(req);
    write(res);
  });
  const results: OllamaResult[] = [];
  const cls = class extends OllamaUser {
    waitTime = constant(60);
    @task async t() {
      results.push(await this.generate(body));
    }
  };
  const { llm, stats } = await run(cls, origin, 1, 1);
  return { result: results[0]!, llm, stats };
}

const ndjson = (res: ServerResponse, text: string): void => {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.end(text);
};

describe('OllamaUser reading what servers write', () => {
  it('counts non-empty chunks when the last object has no eval_count', async () => {
    const { result, llm } = await oneCall((res) => ndjson(res, '{"response":"a","done":false}\n{"response":"","done":false}\n{"response":" b","done":false}\n{"response":"","done":true}\n'));
    expect(result.outcome).toBe('success');
    expect(result.text).toBe('a b');
    expect(result.outputTokens).toBe(2);
    expect(llm.total.tokenSource).toBe('chunks');
  });

  it('fails the request for a line that is not JSON, and still reads the lines after it', async () => {
    const { result, stats } = await oneCall((res) =>
      ndjson(res, '{"response":"a","done":false}\n{"response": oops\n{"response":"b","done":false}\n{"response":"","done":true,"eval_count":2}\n'),
    );
    expect(result.outcome).toBe('failure');
    expect(result.error).toMatch(/not JSON/);
    expect(result.text).toBe('ab');
    expect(result.outputTokens).toBe(2);
    expect(stats.total.numFailures).toBe(1);
  });

  it('fails the request for an error line in the stream', async () => {
    const { result, llm } = await oneCall((res) => ndjson(res, '{"response":"a","done":false}\n{"error":"an error was encountered while running the model"}\n'));
    expect(result.outcome).toBe('failure');
    expect(result.error).toBe('an error was encountered while running the model');
    expect(llm.total.failures).toBe(1);
  });

  it('fails a stream that ends without its done object', async () => {
    const { result } = await oneCall((res) => ndjson(res, '{"response":"a","done":false}\n'));
    expect(result.outcome).toBe('failure');
    expect(result.error).toMatch(/without its last object/);
  });

  it('takes the last line without a newline and \\r\\n endings', async () => {
    const { result } = await oneCall((res) => ndjson(res, '{"response":"a","done":false}\r\n\r\n{"response":"","done":true,"eval_count":1,"prompt_eval_count":4}'));
    expect(result.outcome).toBe('success');
    expect(result.outputTokens).toBe(1);
    expect(result.final!.prompt_eval_count).toBe(4);
  });
});

describe('parseOllamaChunk', () => {
  it('reads chat and generate chunks, thinking apart, and the final figures', () => {
    expect(parseOllamaChunk({ message: { role: 'assistant', content: '', thinking: 'hm' }, done: false }, 'chat')).toEqual({
      thinking: 'hm',
      content: '',
      final: undefined,
      error: undefined,
    });
    const last = parseOllamaChunk({ response: '', done: true, done_reason: 'stop', eval_count: 7, eval_duration: 5e6, total_duration: 'x' }, 'generate');
    expect(last!.final).toMatchObject({ done_reason: 'stop', eval_count: 7, eval_duration: 5e6, total_duration: undefined });
    expect(parseOllamaChunk([1], 'chat')).toBeUndefined();
  });
});
