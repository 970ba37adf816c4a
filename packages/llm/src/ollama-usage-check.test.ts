import { createMockServer } from '@locusta/mock-openai';
import type { MockServer, MockServerOptions } from '@locusta/mock-openai';
import { serve, testEnvironment } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLlmStats } from './attach.ts';
import type { OllamaFinal } from './ollama-chunks.ts';
import { ollamaChatBody, ollamaGenerateBody } from './ollama-bodies.ts';
import { expectedOllamaPromptTokens, ollamaUsageCheck } from './ollama-usage-check.ts';
import { OllamaUser } from './ollama-user.ts';
import { defaultTokenizer } from './tokenizer.ts';

const MODEL = 'llama3.2:1b';
const o200k = defaultTokenizer();

const final = (f: Partial<OllamaFinal>): OllamaFinal => ({
  done_reason: 'stop',
  total_duration: 1,
  load_duration: 1,
  prompt_eval_count: undefined,
  prompt_eval_cached_count: undefined,
  prompt_eval_duration: 1,
  eval_count: undefined,
  eval_duration: 1,
  ...f,
});

describe('the bodies of the prompt source for Ollama', () => {
  it('puts the output length in options.num_predict, over the given options, and no ignore_eos', () => {
    const p = { messages: [{ role: 'user', content: 'a b' }], prompt: 'a b', max_tokens: 7, min_tokens: 7, ignore_eos: true };
    expect(ollamaChatBody(MODEL, p, { stream: false, options: { temperature: 0 } })).toEqual({
      stream: false, model: MODEL, messages: p.messages, options: { temperature: 0, num_predict: 7 },
    });
    expect(ollamaGenerateBody(MODEL, { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] })).toEqual({ model: MODEL, prompt: 's\nu' });
    expect(ollamaGenerateBody(MODEL, { prompt: 'hi', max_tokens: 3 })).toEqual({ model: MODEL, prompt: 'hi', options: { num_predict: 3 } });
  });
});

describe("the tokenizer's count of an Ollama prompt", () => {
  it('adds up chat messages, or generate system and prompt; skips what it cannot count', () => {
    const count = (t: string) => o200k.count(t);
    expect(expectedOllamaPromptTokens(o200k, 'chat', { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why is the sky blue?' }] }))
      .toBe(count('Be brief.') + count('Why is the sky blue?'));
    expect(expectedOllamaPromptTokens(o200k, 'generate', { prompt: 'Why is the sky blue?', system: 'Be brief.' })).toBe(count('Be brief.') + count('Why is the sky blue?'));
    expect(expectedOllamaPromptTokens(o200k, 'generate', { prompt: 'x', context: [1, 2, 3] })).toBeUndefined();
    expect(expectedOllamaPromptTokens(o200k, 'generate', { prompt: 'x', images: ['aGk='] })).toBeUndefined();
    expect(expectedOllamaPromptTokens(o200k, 'chat', { messages: [{ role: 'user', content: 'x', images: ['aGk='] }] })).toBeUndefined();
    expect(expectedOllamaPromptTokens(o200k, 'chat', { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] })).toBeUndefined();
    expect(expectedOllamaPromptTokens(o200k, 'chat', {})).toBeUndefined();
  });
});

describe('ollamaUsageCheck', () => {
  const check = (f: Partial<OllamaFinal>, more: { expected?: number; numPredict?: number; chunks?: number } = {}) =>
    ollamaUsageCheck({ final: final(f), expected: more.expected, numPredict: more.numPredict, chunks: more.chunks, tolerance: 10 });

  it('judges the prompt by the usual rule when the count is the whole prompt', () => {
    expect(check({ prompt_eval_count: 30 }, { expected: 25 })).toEqual({ expectedInputTokens: 25, usageMismatch: false });
    expect(check({ prompt_eval_count: 36 }, { expected: 25 })).toEqual({ expectedInputTokens: 25, usageMismatch: true });
    // With a cached count the answer counts the whole prompt: below the tokenizer is a mismatch (e.g. cut at num_ctx).
    expect(check({ prompt_eval_count: 20, prompt_eval_cached_count: 15 }, { expected: 25 })).toEqual({ expectedInputTokens: 25, usageMismatch: true, cachedTokens: 15 });
    expect(check({ prompt_eval_count: 27, prompt_eval_cached_count: 15 }, { expected: 25 })).toEqual({ expectedInputTokens: 25, usageMismatch: false, cachedTokens: 15 });
  });

  it('does not judge a prompt count below the tokenizer without a cached count: cache or cut, it cannot tell', () => {
    expect(check({ prompt_eval_count: 3 }, { expected: 25 })).toEqual({ expectedInputTokens: 25 });
    // The output is still judged.
    expect(check({ prompt_eval_count: 3, eval_count: 8 }, { expected: 25, numPredict: 8 })).toEqual({ expectedInputTokens: 25, usageMismatch: false });
  });

  it('judges eval_count against num_predict and the streamed chunks', () => {
    expect(check({ eval_count: 8 }, { numPredict: 8, chunks: 8 })).toEqual({ usageMismatch: false });
    expect(check({ eval_count: 9 }, { numPredict: 8 })).toEqual({ usageMismatch: true });
    expect(check({ eval_count: 5 }, { chunks: 6 })).toEqual({ usageMismatch: true });
    // The end-of-sequence token is counted and not streamed.
    expect(check({ eval_count: 7 }, { chunks: 6 })).toEqual({ usageMismatch: false });
    expect(check({ eval_count: 7 })).toEqual({});
  });
});

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(parsedOptions: Record<string, unknown>, options: MockServerOptions = {}) {
  const server = await createMockServer({ jitter: 0, speed: 200, countTokens: (text) => o200k.count(text), ...options });
  servers.push(server);
  const env = testEnvironment({ host: server.url });
  env.parsedOptions = parsedOptions;
  const llm = attachLlmStats(env, { role: 'local' });
  const user = new (class extends OllamaUser {})(env);
  return { server, llm, user };
}

describe("OllamaUser's prompt source and usage check, against the mock's native API", () => {
  it('sends prompts of exactly --prompt-tokens and answers of at most --output-tokens; every count agrees', async () => {
    const { server, llm, user } = await setup({ promptTokens: 24, outputTokens: 6 });
    for (let i = 0; i < 3; i++) await user.chat(ollamaChatBody(MODEL, user.promptSource.next()));
    for (let i = 0; i < 2; i++) await user.generate(ollamaGenerateBody(MODEL, user.promptSource.next(), { stream: false }));
    const counters = server.counters();
    expect(counters.promptTokens).toBe(5 * 24);
    expect(counters.completionTokens).toBe(5 * 6);
    expect(llm.total).toMatchObject({ successes: 5, inputTokens: 120, outputTokens: 30, usageChecked: 5, usageMismatches: 0 });
  });

  it('counts a server whose vocabulary is not the tokenizer as mismatches', async () => {
    const { llm, user } = await setup({ promptTokens: 24, usageTolerance: 5 }, { countTokens: (text) => 2 * o200k.count(text) });
    for (let i = 0; i < 3; i++) await user.chat(ollamaChatBody(MODEL, user.promptSource.next()));
    expect(llm.total).toMatchObject({ successes: 3, usageChecked: 3, usageMismatches: 3 });
  });

  it('counts an answer longer than num_predict as a mismatch: the server did not apply the limit', async () => {
    // A server that ignores options (as a proxy that drops them would): 9 tokens whatever the limit.
    const host = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: MODEL, message: { role: 'assistant', content: 'one two three four five six seven eight nine' }, done: true, done_reason: 'stop', prompt_eval_count: 4, eval_count: 9 }));
      });
    });
    const env = testEnvironment({ host });
    env.parsedOptions = { promptTokens: 4 };
    const llm = attachLlmStats(env, { role: 'local' });
    const user = new (class extends OllamaUser {})(env);
    const result = await user.chat(ollamaChatBody(MODEL, { ...user.promptSource.next(), max_tokens: 2 }, { stream: false }));
    expect(result.outputTokens).toBe(9);
    await user.chat(ollamaChatBody(MODEL, { ...user.promptSource.next(), max_tokens: 20 }, { stream: false }));
    expect(llm.total).toMatchObject({ successes: 2, usageChecked: 2, usageMismatches: 1 });
  });

  it('with a shared prefix: the cached tokens of a newer Ollama are counted; an older one is not a mismatch', async () => {
    const whole = await setup({ prefixTokens: 100, promptTokens: 10 }, { prefixCache: true });
    for (let i = 0; i < 3; i++) await whole.user.chat(ollamaChatBody(MODEL, whole.user.promptSource.next()));
    expect(whole.server.counters().cachedTokens).toBeGreaterThanOrEqual(200);
    expect(whole.llm.total).toMatchObject({ successes: 3, inputTokens: 330, cachedTokens: whole.server.counters().cachedTokens, usageChecked: 3, usageMismatches: 0 });

    const evaluated = await setup({ prefixTokens: 100, promptTokens: 10 }, { prefixCache: true, ollamaPromptCount: 'evaluated' });
    for (let i = 0; i < 3; i++) await evaluated.user.chat(ollamaChatBody(MODEL, evaluated.user.promptSource.next()));
    const t = evaluated.llm.total;
    // The server left the cached tokens out of prompt_eval_count: below the tokenizer's count, not judged.
    expect(t.inputTokens).toBeLessThan(330);
    expect(t).toMatchObject({ successes: 3, cachedTokens: 0, usageChecked: 3, usageMismatches: 0 });
  });

  it('does not check a run that asked nothing about tokens, unless checkUsage is set', async () => {
    const { llm, user } = await setup({});
    await user.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hello, world!' }], options: { num_predict: 2 } });
    expect(llm.total).toMatchObject({ successes: 1, usageChecked: 0 });
    user.checkUsage = true;
    await user.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hello, world!' }], options: { num_predict: 2 } });
    expect(llm.total).toMatchObject({ successes: 2, usageChecked: 1, usageMismatches: 0, inputTokens: 8 });
  });
});
