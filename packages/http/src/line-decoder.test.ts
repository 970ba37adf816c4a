import { describe, expect, it } from 'vitest';
import { LineDecoder } from './line-decoder.ts';

function decode(parts: Uint8Array[]): string[] {
  const decoder = new LineDecoder();
  const lines: string[] = [];
  for (const part of parts) lines.push(...decoder.push(part));
  lines.push(...decoder.end());
  return lines;
}

describe('LineDecoder', () => {
  const text = '\uFEFFfirst ü\r\nsecond 🚀\rthird\n\nlast €';
  const body = new TextEncoder().encode(text);
  const expected = ['first ü', 'second 🚀', 'third', '', 'last €'];

  it('splits on \\n, \\r\\n and \\r and keeps a last line without an ending', () => {
    expect(decode([body])).toEqual(expected);
  });

  it('gives the same lines for a split at every byte boundary', () => {
    for (let at = 1; at < body.length; at++) {
      expect(decode([body.subarray(0, at), body.subarray(at)])).toEqual(expected);
    }
  });

  it('gives the same lines fed one byte at a time', () => {
    expect(decode(Array.from(body, (byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it('counts a \\r\\n split between reads as one line ending', () => {
    const decoder = new LineDecoder();
    expect(decoder.push(new TextEncoder().encode('a\r'))).toEqual(['a']);
    expect(decoder.push(new TextEncoder().encode('\nb\n'))).toEqual(['b']);
    expect(decoder.end()).toEqual([]);
  });

  it('adds no empty line after a final line ending', () => {
    expect(decode([new TextEncoder().encode('a\nb\n')])).toEqual(['a', 'b']);
  });
});
