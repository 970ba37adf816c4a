import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';
import type { ServerSentEvent } from './sse-parser.ts';

// An OpenAI-style chat completion stream as servers send it: a role chunk, content chunks (one
// with multibyte characters), the finish chunk, a usage-only chunk with `choices: []`, then
// `[DONE]`, with keep-alive comments in between and a CRLF-terminated event.
const chunk = (delta: object, finish: string | null = null) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'llama3.2:latest',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
const USAGE = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1700000000,
  model: 'llama3.2:latest',
  choices: [],
  usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
});
const RECORDED =
  `: ping\n\n` +
  `data: ${chunk({ role: 'assistant', content: '' })}\n\n` +
  `data: ${chunk({ content: 'Load' })}\n\n` +
  `: ping\n` +
  `data: ${chunk({ content: ' testing 🚀' })}\r\n\r\n` +
  `data: ${chunk({ content: ' über' })}\n\n` +
  `data: ${chunk({}, 'stop')}\n\n` +
  `data: ${USAGE}\n\n` +
  `data: [DONE]\n\n`;
const EXPECTED: ServerSentEvent[] = [
  { data: chunk({ role: 'assistant', content: '' }) },
  { data: chunk({ content: 'Load' }) },
  { data: chunk({ content: ' testing 🚀' }) },
  { data: chunk({ content: ' über' }) },
  { data: chunk({}, 'stop') },
  { data: USAGE },
  { data: '[DONE]' },
];

function parse(parts: Uint8Array[]): { events: ServerSentEvent[]; comments: number } {
  const parser = new SseParser();
  const events: ServerSentEvent[] = [];
  for (const part of parts) events.push(...parser.feed(part));
  parser.end();
  return { events, comments: parser.comments };
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe('SseParser on a recorded OpenAI stream', () => {
  const body = bytes(RECORDED);

  it('parses it whole', () => {
    expect(parse([body])).toEqual({ events: EXPECTED, comments: 2 });
  });

  it('gives the same events for a split at every byte boundary', () => {
    // Many boundaries fall inside the 4-byte emoji and the 2-byte ü.
    for (let at = 1; at < body.length; at++) {
      expect(parse([body.subarray(0, at), body.subarray(at)])).toEqual({ events: EXPECTED, comments: 2 });
    }
  });

  it('gives the same events for every pair of split points', () => {
    // Three parts: two boundaries anywhere, e.g. a CR and its LF in different reads.
    for (let a = 1; a < body.length; a += 31) {
      for (let b = a + 1; b < body.length; b += 3) {
        const parts = [body.subarray(0, a), body.subarray(a, b), body.subarray(b)];
        expect(parse(parts).events).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const single = Array.from(body, (byte) => Uint8Array.of(byte));
    expect(parse(single)).toEqual({ events: EXPECTED, comments: 2 });
  });

  it('splits a multibyte character across reads without damage', () => {
    const text = 'data: 🚀ü€\n\n';
    const encoded = bytes(text);
    for (let at = 1; at < encoded.length; at++) {
      expect(parse([encoded.subarray(0, at), encoded.subarray(at)]).events).toEqual([{ data: '🚀ü€' }]);
    }
  });

  it('returns several events completed by one read, and none for a partial one', () => {
    const parser = new SseParser();
    expect(parser.feed(bytes('data: a\n\ndata: b\n\ndata: c'))).toEqual([{ data: 'a' }, { data: 'b' }]);
    expect(parser.feed(bytes('\n'))).toEqual([]);
    expect(parser.feed(bytes('\n'))).toEqual([{ data: 'c' }]);
  });
});

describe('SseParser field rules', () => {
  const events = (text: string) => parse([bytes(text)]).events;

  it('joins multi-line data with \\n', () => {
    expect(events('data: first\ndata: second\ndata\ndata:third\n\n')).toEqual([{ data: 'first\nsecond\n\nthird' }]);
  });

  it('removes one space after the colon, no more', () => {
    expect(events('data:  two spaces\n\ndata:none\n\n')).toEqual([{ data: ' two spaces' }, { data: 'none' }]);
  });

  it('accepts \\r, \\n and \\r\\n line endings', () => {
    expect(events('data: a\r\rdata: b\n\ndata: c\r\n\r\n')).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
  });

  it('drops a byte order mark at the start only', () => {
    expect(events('\uFEFFdata: x\n\n')).toEqual([{ data: 'x' }]);
    // A BOM later in the stream is part of the field name, so the line is an unknown field.
    expect(events('data: x\n\n\uFEFFdata: y\n\n')).toEqual([{ data: 'x' }]);
  });

  it('dispatches nothing for comments, blank lines or events without data', () => {
    const parsed = parse([bytes(': ping\n\n\n\nevent: tick\n\n:\n: ping\n')]);
    expect(parsed).toEqual({ events: [], comments: 3 });
  });

  it('dispatches an empty data field as an empty string', () => {
    expect(events('data\n\ndata:\n\n')).toEqual([{ data: '' }, { data: '' }]);
  });

  it('sets the event type, and resets it after each event', () => {
    expect(events('event: delta\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n')).toEqual([
      { event: 'delta', data: '1' },
      { data: '2' },
      { data: '3' },
    ]);
  });

  it('keeps the last event id across events, and clears it with an empty id', () => {
    expect(events('id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: x\0y\ndata: d\n\n')).toEqual([
      { id: '7', data: 'a' },
      { id: '7', data: 'b' },
      { data: 'c' },
      { data: 'd' },
    ]);
  });

  it('takes retry only when it is all ASCII digits', () => {
    const parser = new SseParser();
    expect(parser.feed(bytes('retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x\n\n'))).toEqual([
      { retry: 1500, data: 'a' },
      { data: 'b' },
    ]);
    expect(parser.retry).toBe(1500);
    expect(parser.feed(bytes('retry: 20\n\n'))).toEqual([]);
    expect(parser.retry).toBe(20);
  });

  it('ignores unknown fields and treats a line without a colon as a field name', () => {
    expect(events('foo: bar\ndata: kept\nfoo\n\n')).toEqual([{ data: 'kept' }]);
  });

  it('discards an event the stream ends before its blank line, and keeps [DONE] as data', () => {
    const parser = new SseParser();
    expect(parser.feed(bytes('data: [DONE]\n\ndata: cut'))).toEqual([{ data: '[DONE]' }]);
    parser.end();
    expect(parser.feed(bytes('\n'))).toEqual([]);
  });

  it('drops a byte order mark split between reads, and a \r\n split after the \r', () => {
    const bom = bytes('\uFEFFdata: x\r\n\r\ndata: y\r\n\r\n');
    for (let cut = 1; cut < bom.length; cut++) {
      expect(parse([bom.subarray(0, cut), bom.subarray(cut)]).events).toEqual([{ data: 'x' }, { data: 'y' }]);
    }
  });

  it('decodes invalid UTF-8 in a value as TextDecoder does (U+FFFD), whatever the split', () => {
    const raw = new Uint8Array([...bytes('data: a'), 0xff, 0xe2, 0x82, ...bytes('b'), 0xf0, 0x9f, 0x9a, 0x80, ...bytes('\n\n')]);
    const want = new TextDecoder().decode(raw.subarray(6, raw.length - 2));
    for (let cut = 1; cut < raw.length; cut++) {
      expect(parse([raw.subarray(0, cut), raw.subarray(cut)]).events).toEqual([{ data: want }]);
    }
  });
});
