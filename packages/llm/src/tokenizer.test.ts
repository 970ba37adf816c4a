import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { defaultTokenizer, loadTokenizer } from './tokenizer.ts';

function file(name: string, content: string): string {
  const path = join(tempDir('tokenizer'), name);
  writeFileSync(path, content);
  return path;
}

// A word-level vocabulary: every word its own id, so the expected ids are known by reading it.
const WORD_LEVEL = {
  pre_tokenizer: { type: 'Whitespace' },
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, the: 1, of: 2, load: 3, test: 4 }, unk_token: '[UNK]' },
};
// A BPE of three letters and two merges: "a b" -> "ab", "ab c" -> "abc".
const BPE = {
  model: { type: 'BPE', vocab: { a: 0, b: 1, c: 2, ab: 3, abc: 4 }, merges: ['a b', 'ab c'] },
  decoder: { type: 'Fuse' },
};

describe('loadTokenizer', () => {
  it("counts a word-level tokenizer.json's words with their vocabulary ids", () => {
    const t = loadTokenizer(file('word.json', JSON.stringify(WORD_LEVEL)));
    expect(t.encode('the load test of the test')).toEqual([1, 3, 4, 2, 1, 4]);
    expect(t.count('the load test of the test')).toBe(6);
  });

  it("applies a BPE tokenizer.json's merges in order", () => {
    const t = loadTokenizer(file('bpe.json', JSON.stringify(BPE)));
    expect(t.encode('abcab')).toEqual([4, 3]);
    expect(t.encode('cab')).toEqual([2, 3]);
    expect(t.count('abcabc')).toBe(2);
    expect(t.decode([4, 3])).toBe('abcab');
  });

  it('names the path and the problem of a file it cannot use', () => {
    const dir = tempDir('tokenizer');
    expect(() => loadTokenizer(join(dir, 'missing.json'))).toThrow(/cannot read '.*missing\.json': ENOENT/);
    expect(() => loadTokenizer(file('bad.json', '{"model": '))).toThrow(/is not JSON/);
    expect(() => loadTokenizer(file('list.json', '[1, 2]'))).toThrow(/not a tokenizer\.json \(no "model" object\)/);
    expect(() => loadTokenizer(file('odd.json', '{"model": {"type": "NoSuchModel"}}'))).toThrow(/not a tokenizer this build can load/);
  });
});

describe('the built-in tokenizer (o200k_base)', () => {
  it("gives the ids of GPT-4o's vocabulary", () => {
    const t = defaultTokenizer();
    expect(t.name).toBe('o200k_base');
    expect(t.encode('Hello, world!')).toEqual([13225, 11, 2375, 0]);
    expect(t.count('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(t.decode([13225, 11, 2375, 0])).toBe('Hello, world!');
  });

  it('counts special-token text in a prompt as plain text', () => {
    expect(defaultTokenizer().count('<|endoftext|>')).toBe(7);
  });
});
