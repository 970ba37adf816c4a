import { describe, expect, it } from 'vitest';
import { byteLines, jsonArrayItems } from './dataset-file.ts';

const items = (text: string) => [...jsonArrayItems(Buffer.from(text, 'utf8'))];

describe('jsonArrayItems', () => {
  it('cuts an array into its items, whatever their strings hold', () => {
    const values = [
      { conversations: [{ from: 'human', value: 'a "quoted", [bracketed] {braced} text\\\\' }] },
      { prompt: 'ünïcödé ✓ 😀, and a comma' },
      [1, [2, 3]],
      'a string, with ] in it',
      42,
    ];
    const got = items(`\ufeff [ ${values.map((v) => JSON.stringify(v)).join(' ,\n ')} ] \n`);
    expect(got.map((t) => JSON.parse(t))).toEqual(values);
  });

  it('reads an empty array and refuses what is not one whole array', () => {
    expect(items('[ ]')).toEqual([]);
    expect(() => items('{"a": 1}')).toThrow('not a JSON array');
    expect(() => items('[{"a": "open')).toThrow('not closed');
    expect(() => items('[{"a": 1}')).toThrow('not closed');
    expect(() => items('[1] [2]')).toThrow('text after the array');
  });
});

describe('byteLines', () => {
  it('splits at \\n and \\r\\n, keeping empty lines and multi-byte characters whole', () => {
    expect([...byteLines(Buffer.from('a\r\n\nü✓\nlast', 'utf8'))]).toEqual(['a', '', 'ü✓', 'last']);
    expect([...byteLines(Buffer.from('one\n', 'utf8'))]).toEqual(['one']);
  });
});
