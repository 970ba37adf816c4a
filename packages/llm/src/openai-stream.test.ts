import type { ScriptedServer } from '@locusta/test-support';
import { recordRequests, scriptedServer, testEnvironment } from '@locusta/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { llmStatsOf } from './attach.ts';
import { parseAnswer, parseChunk } from './openai-chunks.ts';
import { OpenAIUser } from './openai-user.ts';

class Client extends OpenAIUser {}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A user of `host` outside any runner, and the request events it fires. */
function client(host: string | undefined, setup?: (user: Client) => void) {
  const env = testEnvironment({ userClasses: [Client], host });
  const events = recordRequests(env);
  const user = new Client(env);
  setup?.(user);
  cleanups.push(() => user.client.close());
  return { user, events, llm: llmStatsOf(env) };
}

async function server(answer: Parameters<typeof scriptedServer>[0]): Promise<ScriptedServer> {
  const s = await scriptedServer(answer);
  cleanups.push(() => s.close());
  return s;
}

/** `data: <json>` events and `[DONE]`, as a text/event-stream body. */
function sseBody(payloads: Array<unknown>): string {
  return payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('');
}

const chunk = (content: string | undefined, extra: Record<string, unknown> = {}) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: null }],
  ...extra,
});

function stream(res: import('node:http').ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(body);
}

describe('streamed chat', () => {
  it('skips the role chunk and pings, takes usage from a chunk whose choices are null, stops at [DONE]', async () => {
    const s = await server((res) =>
      stream(
        res,
        ': ping\n\n' +
          sseBody([
            { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] },
            chunk('Hello'),
            chunk(' big'),
            chunk(' world'),
            chunk(undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
            { choices: null, usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } },
            '[DONE]',
          ]),
      ),
    );
    const { user, events, llm } = client(s.url);
    const result = await user.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(result.text).toBe('Hello big world');
    expect(result.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
    expect(result.outputTokens).toBe(4);
    expect(result.tokenSource).toBe('usage');
    expect(result.timings.itl.length).toBe(2);
    expect(result.timings.ttft).toBeGreaterThan(0);
    expect(result.timings.ttft).toBeLessThanOrEqual(result.timings.e2e);
    expect(events.length).toBe(1);
    expect(events[0]!.exception).toBeUndefined();
    expect(events[0]!.name).toBe('/v1/chat/completions');
    const entry = llm.get('/v1/chat/completions', 'm')!;
    expect([entry.requests, entry.successes, entry.inputTokens, entry.outputTokens]).toEqual([1, 1, 7, 4]);
    // Asked for the usage chunk.
    expect(JSON.parse(s.requests[0]!.body)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('measures TTFT to the first content chunk, not to the headers or the role chunk', async () => {
    // The headers and the role chunk go out at once; the first content waits 150 ms on the
    // server, so no correct TTFT can be shorter, however fast the machine.
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseBody([{ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }]));
      setTimeout(() => res.end(sseBody([chunk('late'), chunk(' answer'), '[DONE]'])), 150);
    });
    const { user, llm } = client(s.url);
    const result = await user.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(result.text).toBe('late answer');
    expect(result.timings.ttft).toBeGreaterThanOrEqual(150);
    expect(llm.get('/v1/chat/completions', 'm')!.latency('ttft', [0.5])[0]).toBeGreaterThanOrEqual(149.9);
  });

  it('leaves a stream_options the body sets alone, and counts chunks without usage', async () => {
    const s = await server((res) => stream(res, sseBody([chunk('a'), chunk('b'), '[DONE]'])));
    const { user } = client(s.url);
    const result = await user.chat({ model: 'm', stream: true, stream_options: { include_usage: false } }, { name: 'no usage' });
    expect(JSON.parse(s.requests[0]!.body).stream_options).toEqual({ include_usage: false });
    expect([result.outputTokens, result.tokenSource, result.usage]).toEqual([2, 'chunks', null]);
  });

  it('fails on an error object in the stream', async () => {
    const s = await server((res) => stream(res, sseBody([chunk('a'), { error: { message: 'out of memory' } }, '[DONE]'])));
    const { user, events, llm } = client(s.url);
    const result = await user.chat({ model: 'm', stream: true });
    expect(result.outcome).toBe('failure');
    expect(result.error).toBe('out of memory');
    expect(String(events[0]!.exception)).toContain('out of memory');
    expect(llm.total.failures).toBe(1);
  });

  it('fails when the stream breaks off', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseBody([chunk('a')]));
      setTimeout(() => res.destroy(), 20);
    });
    const { user, events, llm } = client(s.url);
    const result = await user.chat({ model: 'm', stream: true });
    expect(result.outcome).toBe('failure');
    // Recorded as the transport error it is, not as a catchResponse failure.
    expect((events[0]!.exception as Error).name).not.toBe('CatchResponseError');
    expect(llm.total.failures).toBe(1);
    expect(llm.total.count('ttft')).toBe(0);
  });

  it('counts 429 with Retry-After as shed, a success in the request stats by default', async () => {
    const s = await server((res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end('{"error":{"message":"slow down"}}');
    });
    const { user, events, llm } = client(s.url);
    const result = await user.chat({ model: 'm', stream: true });
    expect([result.status, result.outcome, result.retryAfter]).toEqual([429, 'shed', '2']);
    expect(events[0]!.exception).toBeUndefined();
    expect([llm.total.shed, llm.total.retryAfter, llm.total.failures]).toEqual([1, 1, 0]);
  });

  it('lets catchResponse decide with the result at hand', async () => {
    const s = await server((res) => stream(res, sseBody([chunk('no'), '[DONE]'])));
    const { user, events, llm } = client(s.url);
    const result = await user.chat({ model: 'm', stream: true }, {
      catchResponse: (response, r) => {
        if (!r.text.includes('yes')) response.failure(`unexpected answer ${r.text}`);
      },
    });
    expect(String(events[0]!.exception)).toContain('unexpected answer no');
    // LlmStats judges the protocol, not the content: the generation itself succeeded.
    expect(result.outcome).toBe('success');
    expect(llm.total.successes).toBe(1);
  });
});

describe('OpenAIUser requests', () => {
  it('sends the API key, and uses a base URL ending in /v1 as the API root', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, text: 'done' }], usage: { prompt_tokens: 2, completion_tokens: 1 } }));
    });
    const { user, llm } = client(`${s.url}/v1`, (u) => (u.apiKey = 'sk-test'));
    const result = await user.completion({ model: 'm', prompt: 'x' });
    expect(s.requests[0]!.url).toBe('/v1/completions');
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect([result.text, result.outputTokens, result.tokenSource]).toEqual(['done', 1, 'usage']);
    expect(llm.get('/completions', 'm')!.outputTokens).toBe(1);
  });

  it('falls back to OPENAI_BASE_URL and OPENAI_API_KEY', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ embedding: [0.5, 0.25] }], usage: { prompt_tokens: 3, total_tokens: 3 } }));
    });
    const saved = { base: process.env['OPENAI_BASE_URL'], key: process.env['OPENAI_API_KEY'] };
    process.env['OPENAI_BASE_URL'] = `${s.url}/v1`;
    process.env['OPENAI_API_KEY'] = 'sk-env';
    cleanups.push(() => {
      for (const [name, value] of [['OPENAI_BASE_URL', saved.base], ['OPENAI_API_KEY', saved.key]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    const { user, events, llm } = client(undefined);
    const result = await user.embedding({ model: 'e', input: 'text' });
    expect(result.embeddings).toEqual([[0.5, 0.25]]);
    expect(result.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(s.requests[0]!.url).toBe('/v1/embeddings');
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-env');
    expect(events.length).toBe(1);
    // Embeddings generate nothing: they are not in LlmStats.
    expect(llm.total.requests).toBe(0);
  });

  it('does not override an Authorization header the request sets', async () => {
    const s = await server((res) => {
      res.writeHead(500);
      res.end();
    });
    const { user, events, llm } = client(s.url, (u) => (u.apiKey = 'sk-test'));
    const result = await user.chat({ model: 'm' }, { headers: { Authorization: 'Bearer mine' } });
    expect(s.requests[0]!.headers.authorization).toBe('Bearer mine');
    expect([result.status, result.outcome]).toEqual([500, 'failure']);
    expect(events[0]!.exception).toBeDefined();
    expect(llm.total.failures).toBe(1);
  });
});

describe('streamed reasoning', () => {
  const think = (text: string) => ({ choices: [{ index: 0, delta: { reasoning_content: text, content: null } }] });

  it('times the first reasoning chunk as TTFT and the first content chunk as answer TTFT; ITL over both', async () => {
    const s = await server((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseBody([{ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }, think('Let'), think(' me')]));
      // The answer comes 150 ms after the reasoning started: answer TTFT must be that much later.
      setTimeout(() => {
        res.end(
          sseBody([
            chunk('Yes'),
            chunk('.'),
            { choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, completion_tokens_details: { reasoning_tokens: 2 } } },
            '[DONE]',
          ]),
        );
      }, 150);
    });
    const { user, llm } = client(s.url);
    const result = await user.chat({ model: 'r1', stream: true });
    expect([result.text, result.reasoning]).toEqual(['Yes.', 'Let me']);
    expect([result.outputTokens, result.reasoningTokens, result.answerTokens]).toEqual([4, 2, 2]);
    const { ttft, answerTtft, itl } = result.timings;
    expect(answerTtft! - ttft!).toBeGreaterThanOrEqual(140);
    expect(itl).toHaveLength(3);
    expect(llm.total.count('answerTtft')).toBe(1);
    expect([llm.total.reasoningTokens, llm.total.answerTokens]).toEqual([2, 2]);
  });

  it('counts reasoning chunks as reasoning tokens and tool calls as answer when there is no usage', async () => {
    const s = await server((res) =>
      stream(
        res,
        sseBody([
          { choices: [{ index: 0, delta: { reasoning: 'Call' } }] },
          { choices: [{ index: 0, delta: { reasoning: ' it' } }] },
          { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] } }] },
          { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] } }] },
          '[DONE]',
        ]),
      ),
    );
    const { user, llm } = client(s.url);
    const result = await user.chat({ model: 'r1', stream: true });
    expect([result.tokenSource, result.outputTokens, result.reasoningTokens, result.answerTokens]).toEqual(['chunks', 4, 2, 2]);
    expect(result.timings.answerTtft).not.toBeNull();
    expect(result.timings.itl).toHaveLength(3);
    expect(llm.total.outputTokens).toBe(4);
  });

  it('reads the reasoning of a non-streamed answer; its split comes from usage or is unknown', async () => {
    const message = { role: 'assistant', content: 'Yes', reasoning_content: 'Think first' };
    const withDetails = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message }], usage: { prompt_tokens: 1, completion_tokens: 3, completion_tokens_details: { reasoning_tokens: 2 } } }));
    });
    const a = await client(withDetails.url).user.chat({ model: 'r1' });
    expect([a.text, a.reasoning, a.reasoningTokens, a.answerTokens, a.timings.answerTtft]).toEqual(['Yes', 'Think first', 2, 1, null]);
    const without = await server((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message }], usage: { prompt_tokens: 1, completion_tokens: 3 } }));
    });
    const b = await client(without.url).user.chat({ model: 'r1' });
    expect([b.outputTokens, b.reasoningTokens, b.answerTokens]).toEqual([3, null, null]);
  });
});

describe('parseChunk and parseAnswer', () => {
  it('read chat deltas, completion text, usage-only chunks and errors', () => {
    expect(parseChunk(JSON.stringify(chunk('x')), 'chat')).toEqual({ content: 'x', reasoning: '', toolCalls: false, usage: undefined, error: undefined });
    expect(parseChunk('{"choices":[{"text":"y"}]}', 'completion')!.content).toBe('y');
    for (const choices of ['[]', 'null']) {
      expect(parseChunk(`{"choices":${choices},"usage":{"prompt_tokens":1,"completion_tokens":2}}`, 'chat')).toEqual({
        content: '',
        reasoning: '',
        toolCalls: false,
        usage: { prompt_tokens: 1, completion_tokens: 2 },
        error: undefined,
      });
    }
    expect(parseChunk('{"usage":null,"choices":[{"delta":{"content":"z"}}]}', 'chat')!.usage).toBeUndefined();
    expect(parseChunk('{"error":"busy"}', 'chat')!.error).toBe('busy');
    expect(parseChunk('not json', 'chat')).toBeUndefined();
    expect(parseAnswer({ choices: [{ message: { content: 'hi' } }] }, 'chat').content).toBe('hi');
  });
});
