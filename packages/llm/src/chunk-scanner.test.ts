import { SseParser } from '@locusta/http';
import { describe, expect, it } from 'vitest';
import { scanChatChunk } from './chunk-scanner.ts';
import { parseChunk } from './openai-chunks.ts';

const envelope = (delta: string, extra = '') =>
  `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null}]${extra}}`;

/** Chunks the scanner must read itself, as JSON.parse would. */
const READ = [
  envelope('{"role":"assistant","content":""}'),
  envelope('{"content":"Hello"}'),
  envelope('{"content":" wörld 🚀"}'),
  envelope('{"content":"a \\"quoted\\" \\\\ back\\nslash \\u00e9 \\ud83d\\ude80"}'),
  envelope('{"content":"text with \\"delta\\": and \\"usage\\":{ inside"}'),
  envelope('{"content":null,"reasoning_content":"think"}'),
  envelope('{"reasoning":"think too"}'),
  envelope('{"reasoning_content":"first","reasoning":"second"}'),
  envelope('{"content":"x","refusal":null,"tool_calls":null}'),
  envelope('{}'),
  envelope('{"content":"x"}', ',"usage":null'),
  '{"choices": [{"index": 0, "delta": { "content" : "spaced" } }]}',
  envelope('{"content":"dup","content":"last"}'),
];

/** Chunks it leaves to the full parse. */
const LEFT = [
  envelope('{"content":""}', ',"usage":{"prompt_tokens":3,"completion_tokens":5}'),
  '{"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}',
  envelope('{"tool_calls":[{"index":0,"function":{"name":"f","arguments":""}}]}'),
  '{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}',
  '{"error":{"message":"overloaded"}}',
  envelope('{"content":"x"}', ',"error":"bad"'),
  envelope('{"content":7}'),
  envelope('{"content":"unterminated}'),
  '{"choices":[{"index":0,"delta":{"content":"cut',
  '{"delta":{"content":"no choices"}}',
  '{"choices":[{"index":1,"delta":{"content":"second choice only"}}]}',
  '{"choices":[{"index":10,"delta":{"content":"tenth"}}]}',
  '{ "choices" : [ { "index" : 0, "delta" : { "content" : "odd spaces" } } ] }',
  'not json',
  '[DONE]',
  '',
];

describe('scanChatChunk', () => {
  it.each(READ)('reads %s as JSON.parse does', (data) => {
    const scanned = scanChatChunk(data);
    expect(scanned).toBeDefined();
    expect(scanned).toEqual(parseChunk(data, 'chat'));
  });

  it.each(LEFT)('leaves %s to the full parse', (data) => {
    expect(scanChatChunk(data)).toBeUndefined();
  });

  it('reads the same texts from an event stream split at every byte', () => {
    const texts = ['Hé', 'llo 🚀', ' \\"q\\"', 'ü'];
    const body = Buffer.from(
      `${texts.map((t) => `data: ${envelope(`{"content":"${t}"}`)}\n\n`).join('')}data: ${envelope('{}', ',"usage":{"prompt_tokens":1,"completion_tokens":4}')}\n\ndata: [DONE]\n\n`,
    );
    const read = (parts: Buffer[]) => {
      const parser = new SseParser();
      const out: string[] = [];
      for (const part of parts) {
        for (const event of parser.feed(part)) {
          if (event.data === '[DONE]') continue;
          const chunk = scanChatChunk(event.data) ?? parseChunk(event.data, 'chat');
          out.push(chunk?.content ?? '?', String(chunk?.usage?.completion_tokens ?? ''));
        }
      }
      return out;
    };
    const whole = read([body]);
    expect(whole.filter((_, i) => i % 2 === 0)).toEqual(['Hé', 'llo 🚀', ' "q"', 'ü', '']);
    expect(whole.at(-1)).toBe('4');
    for (let cut = 1; cut < body.length; cut++) {
      expect(read([body.subarray(0, cut), body.subarray(cut)])).toEqual(whole);
    }
  });
});
