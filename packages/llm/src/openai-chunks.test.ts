import { describe, expect, it } from 'vitest';
import { parseAnswer, parseChunk } from './openai-chunks.ts';

const delta = (d: Record<string, unknown>) => JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: d, finish_reason: null }] });

describe('parseChunk on reasoning and tool-call deltas', () => {
  it('reads reasoning_content (DeepSeek, vLLM) and reasoning (Ollama, newer vLLM) apart from content', () => {
    expect(parseChunk(delta({ reasoning_content: 'Hmm' }), 'chat')).toMatchObject({ content: '', reasoning: 'Hmm', toolCalls: false });
    expect(parseChunk(delta({ reasoning: ' so', content: null }), 'chat')).toMatchObject({ content: '', reasoning: ' so' });
    // vLLM sends `content: null` beside reasoning, and `reasoning_content: null` beside content.
    expect(parseChunk(delta({ content: 'Yes', reasoning_content: null }), 'chat')).toMatchObject({ content: 'Yes', reasoning: '' });
    expect(parseChunk(delta({ role: 'assistant', content: '', reasoning_content: '' }), 'chat')).toMatchObject({ content: '', reasoning: '' });
  });

  it('counts a delta with tool_calls as answer output, an empty tool_calls array as nothing', () => {
    const call = { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } };
    expect(parseChunk(delta({ tool_calls: [call] }), 'chat')).toMatchObject({ content: '', reasoning: '', toolCalls: true });
    expect(parseChunk(delta({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }), 'chat')!.toolCalls).toBe(true);
    expect(parseChunk(delta({ tool_calls: [] }), 'chat')!.toolCalls).toBe(false);
    expect(parseChunk(delta({ tool_calls: 'x' }), 'chat')!.toolCalls).toBe(false);
  });

  it('reads usage.completion_tokens_details.reasoning_tokens when it fits in the completion tokens', () => {
    const usage = (details: unknown) =>
      parseChunk(JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 50, completion_tokens_details: details } }), 'chat')!.usage;
    expect(usage({ reasoning_tokens: 40 })).toEqual({ prompt_tokens: 3, completion_tokens: 50, completion_tokens_details: { reasoning_tokens: 40 } });
    for (const bad of [null, {}, { reasoning_tokens: 51 }, { reasoning_tokens: -1 }, { reasoning_tokens: 1.5 }, { reasoning_tokens: '4' }]) {
      expect(usage(bad)).toEqual({ prompt_tokens: 3, completion_tokens: 50 });
    }
  });

  it('ignores reasoning fields in text completions (their text is the whole output)', () => {
    expect(parseChunk('{"choices":[{"text":"a","reasoning":"b"}]}', 'completion')).toMatchObject({ content: 'a', reasoning: '', toolCalls: false });
  });

  it('reads reasoning and tool calls of a non-streamed message', () => {
    const body = (message: Record<string, unknown>) => ({ choices: [{ index: 0, message: { role: 'assistant', ...message } }] });
    expect(parseAnswer(body({ content: 'Yes', reasoning_content: 'Think' }), 'chat')).toMatchObject({ content: 'Yes', reasoning: 'Think' });
    expect(parseAnswer(body({ content: 'Yes', reasoning: 'Think' }), 'chat')).toMatchObject({ reasoning: 'Think' });
    expect(parseAnswer(body({ content: null, tool_calls: [{ id: 'c', type: 'function' }] }), 'chat')).toMatchObject({ content: '', toolCalls: true });
  });
});
