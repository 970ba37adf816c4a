import type { ServerResponse } from 'node:http';
import { constant, task } from '@locusta/core';
import { createMockServer } from '@locusta/mock-openai';
import type { MockServer } from '@locusta/mock-openai';
import { LocalRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { bodyOf, serve, testEnvironment, waitUntil } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLlmStats } from './attach.ts';
import { llamaCppStatsOf } from './llamacpp-output.ts';
import type { LlamaCppBody, LlamaCppResult } from './llamacpp-user.ts';
import { LlamaCppUser } from './llamacpp-user.ts';
import type { Environment, RequestEvent, User } from '@locusta/core';
import { llmSampleOf } from './request-samples.ts';
import type { LlmStats } from './llm-stats.ts';
import type { LlmResult } from './openai-user.ts';
import { OpenAIUser } from './openai-user.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function mock(): Promise<MockServer> {
  const server = await createMockServer({ jitter: 0, seed: 3, speed: 20 });
  cleanups.push(() => server.close());
  return server;
}

/** Runs `users` users of `cls` until LlmStats holds `requests` requests, then stops gracefully. */
async function run(cls: typeof User, host: string, users: number, requests: number): Promise<{ env: Environment; llm: LlmStats; stats: RequestStats }> {
  const env = testEnvironment({ userClasses: [cls], host, stopTimeout: 30 });
  const llm = attachLlmStats(env, { role: 'local' });
  const stats = new RequestStats();
  const runner = new LocalRunner(env, stats, new ExceptionStats());
  cleanups.push(() => runner.quit());
  await runner.start(users, 100);
  await waitUntil(() => llm.total.requests >= requests, 20_000);
  await runner.quit();
  return { env, llm, stats };
}

function userClass(body: LlamaCppBody, results: LlamaCppResult[]): typeof LlamaCppUser {
  let n = 0;
  return class extends LlamaCppUser {
    waitTime = constant(0);
    @task async t() {
      n++;
      results.push(await this.completion({ prompt: `Question number ${n}: what is load testing?`, n_predict: 40, ...body }));
    }
  };
}

describe('LlamaCppUser against the mock server, through a LocalRunner', () => {
  it.each([['streamed (the default)', {}], ['whole (stream: false)', { stream: false }]])(
    '%s: tokens and timings are those of the last chunk, recorded in the LLM table and the llama.cpp family',
    async (_name, body) => {
      const server = await mock();
      const results: LlamaCppResult[] = [];
      const { env, llm, stats } = await run(userClass(body, results), server.url, 2, 10);
      const counters = server.counters();
      const streamed = !('stream' in body);
      expect(counters.byRoute['POST /completion']![200]).toBe(llm.total.requests);
      expect(stats.total.numFailures).toBe(0);
      expect(llm.total.outputTokens).toBe(counters.completionTokens);
      expect(llm.total.inputTokens).toBe(counters.promptTokens);
      expect(llm.total.tokenSource).toBe('usage');
      for (const r of results) {
        expect(r.outcome).toBe('success');
        expect(r.final!.timings!.predicted_n).toBe(r.outputTokens);
        // What the server says it sent is what came.
        if (streamed) expect(r.text.split(' ').length).toBe(r.final!.timings!.predicted_n);
        expect(r.final!.tokens_evaluated).toBe(r.final!.timings!.prompt_n);
      }
      expect(llm.total.count('ttft')).toBe(streamed ? llm.total.requests : 0);
      // The body names no model: the entry is the model the server says it served.
      const served = results[0]!.final!.model!;
      expect(served).not.toBe('');
      expect(llm.get('/completion', served)!.requests).toBe(llm.total.requests);
      const family = llamaCppStatsOf(env);
      expect(family.total.requests).toBe(llm.total.requests);
      expect(family.total.sum('predictedN')).toBe(counters.completionTokens);
      expect(family.total.sum('promptN')).toBe(counters.promptTokens);
      expect(family.total.count('predictedMs')).toBe(llm.total.requests);
    },
  );
});

/** One call of `call` against a server that answers with `write`. */
async function oneCall<R>(write: (res: ServerResponse) => void, call: (user: LlamaCppUser & OpenAIUser) => Promise<R>, base: typeof LlamaCppUser | typeof OpenAIUser) {
  const origin = await serve(async (req, res) => {
    await bodyOf(req);
    write(res);
  });
  const results: R[] = [];
  const requests: RequestEvent[] = [];
  const cls = class extends (base as typeof LlamaCppUser) {
    waitTime = constant(60);
    override onStart() {
      this.environment.events.request.addListener((e) => void requests.push(e));
    }
    @task async t() {
      results.push(await call(this as unknown as LlamaCppUser & OpenAIUser));
    }
  };
  const out = await run(cls, origin, 1, 1);
  return { ...out, result: results[0]!, sample: llmSampleOf(requests[0]?.response) };
}

const sse = (res: ServerResponse, text: string): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(text);
};
const TIMINGS = { prompt_n: 3, prompt_ms: 12.5, prompt_per_token_ms: 4.1, prompt_per_second: 240, predicted_n: 2, predicted_ms: 20, predicted_per_token_ms: 10, predicted_per_second: 100 };

describe('LlamaCppUser reading what llama.cpp writes', () => {
  it('takes cached tokens as the prompt tokens not evaluated again, without cache_n', async () => {
    const last = { content: '', stop: true, tokens_evaluated: 10, tokens_predicted: 2, tokens_cached: 12, timings: TIMINGS };
    const { result, llm, sample } = await oneCall(
      (res) => sse(res, `data: {"content":"a","stop":false}\n\ndata: {"content":" b","stop":false}\n\ndata: ${JSON.stringify(last)}\n\n`),
      (u) => u.completion({ prompt: 'hi' }),
      LlamaCppUser,
    );
    expect(result.outcome).toBe('success');
    expect(result.text).toBe('a b');
    expect(sample!.cachedTokens).toBe(7);
    expect(llm.total.inputTokens).toBe(10);
  });

  it('fails a stream that ends without its last chunk (llama.cpp writes a failure as an error: line)', async () => {
    const { result, stats, env } = await oneCall(
      (res) => sse(res, 'data: {"content":"a","stop":false}\n\nerror: {"code":500,"message":"boom","type":"server_error"}\n\n'),
      (u) => u.completion({ prompt: 'hi' }),
      LlamaCppUser,
    );
    expect(result.outcome).toBe('failure');
    expect(result.error).toMatch(/without its last chunk/);
    expect(stats.total.numFailures).toBe(1);
    expect(llamaCppStatsOf(env).total.requests).toBe(0);
  });

  it('fails an answer that is an error object', async () => {
    const { result } = await oneCall(
      (res) => sse(res, 'data: {"error":{"code":400,"message":"the prompt is too long","type":"invalid_request_error"}}\n\n'),
      (u) => u.completion({ prompt: 'hi' }),
      LlamaCppUser,
    );
    expect(result.outcome).toBe('failure');
    expect(result.error).toBe('the prompt is too long');
  });
});

describe("OpenAIUser against llama.cpp's OpenAI routes", () => {
  it('tolerates the timings of the last chunk and records them in the llama.cpp family', async () => {
    const chunk = (delta: object) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, timings: TIMINGS };
    const { result, llm, env } = await oneCall<LlmResult>(
      (res) => sse(res, chunk({ role: 'assistant', content: null }) + chunk({ content: 'a' }) + chunk({ content: ' b' }) + `data: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`),
      (u) => u.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      OpenAIUser,
    );
    expect(result.outcome).toBe('success');
    expect(result.text).toBe('a b');
    expect(llm.total.outputTokens).toBe(2);
    const family = llamaCppStatsOf(env);
    expect(family.total.requests).toBe(1);
    expect(family.total.sum('predictedN')).toBe(2);
    expect(family.total.value('promptMs', 0.5)).toBeCloseTo(12.5, 1);
    expect(family.entries()[0]!.name).toBe('/v1/chat/completions');
  });
});
