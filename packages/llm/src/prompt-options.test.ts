import { createMockServer } from '@locusta/mock-openai';
import type { MockServer } from '@locusta/mock-openai';
import { testEnvironment } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { attachLlmStats } from './attach.ts';
import { OpenAIUser } from './openai-user.ts';
import { defaultTokenizer } from './tokenizer.ts';

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(parsedOptions: Record<string, unknown>, checkUsage?: boolean) {
  const t = defaultTokenizer();
  const server = await createMockServer({ jitter: 0, speed: 200, countTokens: (text) => t.count(text) });
  servers.push(server);
  const env = testEnvironment({ host: server.url });
  env.parsedOptions = parsedOptions;
  const llm = attachLlmStats(env, { role: 'local' });
  const user = new (class extends OpenAIUser {})(env);
  if (checkUsage !== undefined) user.checkUsage = checkUsage;
  return { server, llm, user };
}

describe("OpenAIUser's usage check and prompt source", () => {
  it('does not check a run that asked nothing about tokens', async () => {
    const { llm, user } = await setup({});
    await user.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'Hello, world!' }], max_tokens: 2 });
    expect(llm.total).toMatchObject({ successes: 1, usageChecked: 0 });
  });

  it('checks with checkUsage = true, and not with checkUsage = false', async () => {
    const on = await setup({}, true);
    await on.user.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'Hello, world!' }], max_tokens: 2 });
    await on.user.completion({ model: 'llama3.2:1b', prompt: 'Hello, world!', max_tokens: 2 });
    expect(on.llm.total).toMatchObject({ successes: 2, usageChecked: 2, usageMismatches: 0, inputTokens: 8 });
    const off = await setup({ promptTokens: 16 }, false);
    await off.user.chat({ model: 'llama3.2:1b', messages: off.user.promptSource.next().messages, max_tokens: 2 });
    expect(off.llm.total).toMatchObject({ successes: 1, usageChecked: 0, inputTokens: 16 });
  });

  it('a tokenizer the process cannot load fails every request before it is sent, with the same error', async () => {
    const { server, llm, user } = await setup({ tokenizer: '/nonexistent/tokenizer.json' });
    for (let i = 0; i < 2; i++) {
      await expect(user.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow("argument --tokenizer: cannot read '/nonexistent/tokenizer.json': ENOENT");
    }
    expect(() => user.promptSource).toThrow(/argument --tokenizer/);
    expect(server.counters().requests).toBe(0);
    expect(llm.total.requests).toBe(0);
  });
});
