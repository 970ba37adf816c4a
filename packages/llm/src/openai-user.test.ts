import { constant, task } from '@locusta/core';
import { createMockServer } from '@locusta/mock-openai';
import type { MockServer } from '@locusta/mock-openai';
import { LocalRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { testEnvironment, waitUntil } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLlmStats } from './attach.ts';
import type { LlmStats } from './llm-stats.ts';
import type { LlmResult, OpenAIBody } from './openai-user.ts';
import { OpenAIUser } from './openai-user.ts';

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
async function run(cls: typeof OpenAIUser, host: string, users: number, requests: number): Promise<{ llm: LlmStats; stats: RequestStats }> {
  // Long enough for every user to finish its request: a killed user's request is not recorded.
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

/** A user class whose one task sends `body` (a new prompt each time) through `call`. */
function userClass(call: 'chat' | 'completion', body: OpenAIBody, setup?: (user: OpenAIUser) => void): typeof OpenAIUser {
  let n = 0;
  return class extends OpenAIUser {
    waitTime = constant(0);
    results: LlmResult[] = [];
    override onStart() {
      setup?.(this);
    }
    @task async t() {
      n++;
      const content = `Question number ${n}: what is load testing?`;
      const prompt = call === 'chat' ? { messages: [{ role: 'user', content }] } : { prompt: content };
      this.results.push(await this[call]({ model: MODEL, max_tokens: 5 + (n % 20), ...prompt, ...body }));
    }
  };
}

describe('OpenAIUser against the mock server, through a LocalRunner', () => {
  it('streams chat: output and input tokens equal what the server sent, TTFT within e2e', async () => {
    const server = await mock();
    const { llm, stats } = await run(userClass('chat', { stream: true }), server.url, 4, 40);
    const counters = server.counters();
    const t = llm.total;
    expect(t.requests).toBe(counters.requests);
    expect(t.successes).toBe(t.requests);
    expect(t.outputTokens).toBe(counters.completionTokens);
    expect(t.inputTokens).toBe(counters.promptTokens);
    expect(t.tokenSource).toBe('usage');
    expect(t.count('ttft')).toBe(t.requests);
    const [ttftMax] = t.latency('ttft', [1]);
    const [e2eMin, e2eMax] = t.latency('e2e', [0, 1]);
    expect(t.latency('ttft', [0])[0]).toBeGreaterThan(0);
    expect(ttftMax).toBeLessThanOrEqual(e2eMax!);
    expect(e2eMin).toBeGreaterThan(0);
    // One ITL sample per content chunk after the first; the mock sends one token a chunk.
    expect(t.count('itl')).toBe(t.outputTokens - t.requests);
    expect(t.count('tpot')).toBe(t.requests);
    // The HTTP requests are recorded as any other, under the path.
    expect(stats.total.numRequests).toBe(t.requests);
    expect(stats.total.numFailures).toBe(0);
    expect(llm.entries().map((e) => [e.name, e.model])).toEqual([['/v1/chat/completions', MODEL]]);
  });

  it('gives each result its text, usage and timings', async () => {
    const server = await mock();
    const results: LlmResult[] = [];
    const cls = userClass('chat', { stream: true }, (user) => (user as unknown as { results: LlmResult[] }).results = results);
    const { llm } = await run(cls, server.url, 1, 3);
    expect(results.length).toBe(llm.total.requests);
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.outcome).toBe('success');
      expect(r.usage!.completion_tokens).toBe(r.outputTokens);
      expect(r.text.split(' ').length).toBe(r.usage!.completion_tokens);
      expect(r.timings.ttft).toBeGreaterThan(0);
      expect(r.timings.ttft).toBeLessThanOrEqual(r.timings.e2e);
      expect(r.timings.itl.length).toBe(r.outputTokens! - 1);
    }
  });

  it('streams text completions the same way', async () => {
    const server = await mock();
    const { llm } = await run(userClass('completion', { stream: true }), server.url, 2, 10);
    const counters = server.counters();
    expect(llm.total.outputTokens).toBe(counters.completionTokens);
    expect(llm.entries().map((e) => e.name)).toEqual(['/v1/completions']);
    expect(llm.total.count('ttft')).toBe(llm.total.requests);
  });

  it('counts content chunks when the body asks for no usage chunk', async () => {
    const server = await mock();
    const { llm } = await run(userClass('chat', { stream: true, stream_options: { include_usage: false } }), server.url, 2, 10);
    expect(llm.total.tokenSource).toBe('chunks');
    expect(llm.total.outputTokens).toBe(server.counters().completionTokens);
    expect(llm.total.inputTokens).toBe(0);
  });

  it('takes usage from non-streamed answers, with no TTFT', async () => {
    const server = await mock();
    const { llm } = await run(userClass('chat', {}), server.url, 2, 10);
    const counters = server.counters();
    expect(llm.total.outputTokens).toBe(counters.completionTokens);
    expect(llm.total.inputTokens).toBe(counters.promptTokens);
    expect(llm.total.tokenSource).toBe('usage');
    expect(llm.total.count('ttft')).toBe(0);
    expect(llm.total.count('e2e')).toBe(llm.total.requests);
  });

  it('counts 503s past the server capacity as shed, and as successes in the request stats', async () => {
    const server = await mock({ capacity: 1, speed: 5 });
    const { llm, stats } = await run(userClass('chat', { stream: true }), server.url, 6, 60);
    const counters = server.counters();
    expect(llm.total.shed).toBeGreaterThan(0);
    expect(llm.total.shed).toBe(counters.byStatus[503]);
    expect(llm.total.successes).toBe(counters.byStatus[200]);
    expect(llm.total.failures).toBe(0);
    expect(llm.total.outputTokens).toBe(counters.completionTokens);
    expect(stats.total.numFailures).toBe(0);
    expect(stats.total.numRequests).toBe(llm.total.requests);
  });

  it('with shedIsFailure, shed load fails in the request stats (LlmStats counts it as shed all the same)', async () => {
    const server = await mock({ capacity: 1, speed: 5 });
    const cls = userClass('chat', { stream: true }, (user) => (user.shedIsFailure = true));
    const { llm, stats } = await run(cls, server.url, 6, 60);
    expect(llm.total.shed).toBeGreaterThan(0);
    expect(stats.total.numFailures).toBe(llm.total.shed);
    expect(llm.total.failures).toBe(0);
  });
});

describe('OpenAIUser and the measurement window', () => {
  it('records no LLM metrics for requests started in the warm-up, as the request statistics record none', async () => {
    const server = await mock();
    const env = testEnvironment({ userClasses: [userClass('chat', { stream: true })], host: server.url, stopTimeout: 30 });
    env.measurement.configure({ warmup: 3600 });
    const llm = attachLlmStats(env, { role: 'local' });
    const stats = new RequestStats();
    const runner = new LocalRunner(env, stats, new ExceptionStats());
    cleanups.push(() => runner.quit());
    await runner.start(2, 100);
    await waitUntil(() => env.measurement.excluded.warmup >= 6, 20_000);
    expect(stats.total.numRequests).toBe(0);
    expect(llm.total.requests).toBe(0);
    // The warm-up ends now: what starts from here is recorded by both.
    env.measurement.set({ warmupEnd: 0, cooldownStart: null }, false);
    await waitUntil(() => llm.total.requests >= 6, 20_000);
    await runner.quit();
    expect(stats.total.numRequests).toBeGreaterThanOrEqual(6);
  });
});
