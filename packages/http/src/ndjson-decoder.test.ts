import { describe, expect, it } from 'vitest';
import type { NdjsonItem } from './ndjson-decoder.ts';
import { NdjsonDecoder } from './ndjson-decoder.ts';

function decode(parts: Uint8Array[]): NdjsonItem[] {
  const decoder = new NdjsonDecoder();
  const items: NdjsonItem[] = [];
  for (const part of parts) items.push(...decoder.push(part));
  items.push(...decoder.end());
  return items;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A streamed /api/chat answer of a thinking model, as Ollama writes it (multi-byte text included). */
const objects = [
  { model: 'qwen3:0.6b', created_at: '2026-01-01T00:00:00.1Z', message: { role: 'assistant', content: '', thinking: 'Ça' }, done: false },
  { model: 'qwen3:0.6b', created_at: '2026-01-01T00:00:00.2Z', message: { role: 'assistant', content: '', thinking: ' 🚀 va' }, done: false },
  { model: 'qwen3:0.6b', created_at: '2026-01-01T00:00:00.3Z', message: { role: 'assistant', content: 'Grüße' }, done: false },
  {
    model: 'qwen3:0.6b',
    created_at: '2026-01-01T00:00:00.4Z',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: 'stop',
    total_duration: 412345678,
    load_duration: 1234567,
    prompt_eval_count: 12,
    prompt_eval_duration: 23456789,
    eval_count: 3,
    eval_duration: 345678901,
  },
];
const values = objects.map((value) => ({ ok: true, value }));

describe('NdjsonDecoder', () => {
  // \r\n endings, an empty line, and a last line without a newline.
  const text = objects.map((o, i) => JSON.stringify(o) + (i === 1 ? '\r\n\n' : i === objects.length - 1 ? '' : '\n')).join('');
  const body = encode(text);

  it('reads one value a line', () => {
    expect(decode([body])).toEqual(values);
  });

  it('gives the same values for a split at every byte boundary', () => {
    for (let at = 1; at < body.length; at++) {
      expect(decode([body.subarray(0, at), body.subarray(at)])).toEqual(values);
    }
  });

  it('gives the same values split at every pair of byte boundaries', () => {
    // Three pieces: a line may span a whole middle chunk.
    const step = 7;
    for (let a = 1; a < body.length; a += step) {
      for (let b = a + 1; b < body.length; b += step) {
        expect(decode([body.subarray(0, a), body.subarray(a, b), body.subarray(b)])).toEqual(values);
      }
    }
  });

  it('gives the same values fed one byte at a time', () => {
    expect(decode(Array.from(body, (byte) => Uint8Array.of(byte)))).toEqual(values);
  });

  it('skips empty and blank lines, \\r\\n endings included', () => {
    expect(decode([encode('\n\r\n  \n{"a":1}\r\n\r\n{"b":2}\n\n')])).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: true, value: { b: 2 } },
    ]);
  });

  it('returns a bad line as a failure and goes on with the next lines', () => {
    const items = decode([encode('{"a":1}\n{"a":\n{"b":2}\n')]);
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ ok: true, value: { a: 1 } });
    expect(items[1]).toMatchObject({ ok: false, line: '{"a":' });
    expect((items[1] as { error: string }).error).not.toBe('');
    expect(items[2]).toEqual({ ok: true, value: { b: 2 } });
  });

  it('reports a last line cut off mid-object as a failure at the end', () => {
    const decoder = new NdjsonDecoder();
    expect(decoder.push(encode('{"a":1}\n{"done":tr'))).toEqual([{ ok: true, value: { a: 1 } }]);
    expect(decoder.end()).toMatchObject([{ ok: false, line: '{"done":tr' }]);
  });
});
