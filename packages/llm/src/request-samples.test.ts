import type { ScriptedServer } from '@locusta/test-support';
import { recordRequests, scriptedServer, testEnvironment } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { addLlmLogFields } from './llm-log-fields.ts';
import { OpenAIUser } from './openai-user.ts';
import { llmSampleOf } from './request-samples.ts';

class Client extends OpenAIUser {}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(answer: Parameters<typeof scriptedServer>[0]): Promise<ScriptedServer> {
  const s = await scriptedServer(answer);
  cleanups.push(() => s.close());
  return s;
}

describe("a generation's sample on its request event", () => {
  it('is there when the event fires, with the cached prompt tokens of the usage', async () => {
    const usage = { prompt_tokens: 30, completion_tokens: 2, total_tokens: 32, prompt_tokens_details: { cached_tokens: 24 } };
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunks = [{ choices: [{ delta: { content: 'a' } }] }, { choices: [{ delta: { content: 'b' } }] }, { choices: [], usage }];
      res.end(`${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`);
    });
    const env = testEnvironment({ userClasses: [Client], host: s.url });
    // The sample must be readable inside the listener, as the requests log reads it.
    const seen: unknown[] = [];
    env.events.request.addListener((e) => seen.push(llmSampleOf(e.response)));
    const events = recordRequests(env);
    const user = new Client(env);
    cleanups.push(() => user.client.close());
    const result = await user.chat({ model: 'm', messages: [], stream: true }, { name: 'chat' });
    expect(events).toHaveLength(1);
    const sample = llmSampleOf(events[0]!.response)!;
    expect(seen[0]).toBe(sample);
    expect(sample).toMatchObject({ name: 'chat', model: 'm', outcome: 'success', inputTokens: 30, outputTokens: 2, cachedTokens: 24, tokenSource: 'usage' });
    expect(sample.ttft).toBe(result.timings.ttft);
    const line: Record<string, unknown> = {};
    addLlmLogFields(line, sample);
    expect(line).toMatchObject({ model: 'm', ttft_ms: result.timings.ttft, input_tokens: 30, output_tokens: 2, cached_tokens: 24 });
  });

  it('leaves out what the server did not say: no cached tokens, no TTFT of a buffered answer', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'hi' } }], usage: { prompt_tokens: 3, completion_tokens: 1 } }));
    });
    const env = testEnvironment({ userClasses: [Client], host: s.url });
    const events = recordRequests(env);
    const user = new Client(env);
    cleanups.push(() => user.client.close());
    await user.chat({ model: 'm', messages: [] });
    const line: Record<string, unknown> = {};
    addLlmLogFields(line, llmSampleOf(events[0]!.response)!);
    expect(line).toMatchObject({ model: 'm', input_tokens: 3, output_tokens: 1 });
    expect(Object.keys(line)).not.toContain('cached_tokens');
    expect(Object.keys(line)).not.toContain('ttft_ms');
    expect(llmSampleOf({})).toBeUndefined();
    expect(llmSampleOf(undefined)).toBeUndefined();
  });
});
