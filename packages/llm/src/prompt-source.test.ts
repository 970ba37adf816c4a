import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { parseLengthDistribution, readTokenSettings } from './prompt-options.ts';
import { PromptSource } from './prompt-source.ts';
import { defaultTokenizer, loadTokenizer } from './tokenizer.ts';
import { chatBody, completionBody, loadPrompts } from './traffic.ts';

function file(name: string, content: string): string {
  const path = join(tempDir('prompts'), name);
  writeFileSync(path, content);
  return path;
}

const WORD_LEVEL = {
  pre_tokenizer: { type: 'Whitespace' },
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, the: 1, of: 2, and: 3, to: 4, in: 5 }, unk_token: '[UNK]' },
};

describe('PromptSource: synthetic prompts', () => {
  it.each([1, 2, 7, 128, 512, 2000])('makes prompts of exactly %i tokens under o200k_base', (n) => {
    const source = new PromptSource({ promptTokens: n, seed: 3 });
    for (let i = 0; i < 5; i++) {
      const p = source.next();
      expect(p.inputTokens).toBe(n);
      expect(defaultTokenizer().count(p.prompt)).toBe(n);
      expect(p.messages).toEqual([{ role: 'user', content: p.prompt }]);
    }
  });

  it("makes them exactly with a tokenizer.json's vocabulary", () => {
    const tokenizer = loadTokenizer(file('word.json', JSON.stringify(WORD_LEVEL)));
    const source = new PromptSource({ tokenizer, promptTokens: { dist: 'uniform', min: 3, max: 40 }, seed: 5 });
    for (let i = 0; i < 50; i++) {
      const p = source.next();
      expect(p.inputTokens).toBeGreaterThanOrEqual(3);
      expect(p.inputTokens).toBeLessThanOrEqual(40);
      expect(tokenizer.encode(p.prompt).length).toBe(p.inputTokens);
      // Only words of the vocabulary: no unknown token.
      expect(tokenizer.encode(p.prompt).every((id) => id >= 1 && id <= 5)).toBe(true);
    }
  });

  it('starts every prompt with the same prefix of exactly --prefix-tokens tokens', () => {
    const t = defaultTokenizer();
    const source = new PromptSource({ promptTokens: 20, prefixTokens: 100, seed: 1 });
    const a = source.next();
    const b = source.next();
    expect(a.inputTokens).toBe(120);
    expect(t.count(a.prompt)).toBe(120);
    expect(t.count(b.prompt)).toBe(120);
    expect(a.prefixTokens).toBe(100);
    const prefix = t.decode(t.encode(a.prompt).slice(0, 100));
    expect(b.prompt.startsWith(prefix)).toBe(true);
    expect(a.prompt).not.toBe(b.prompt);
    // Another source of the same seed shares the prefix, also with its own seed for the rest (a worker).
    expect(new PromptSource({ promptTokens: 20, prefixTokens: 100, seed: 1 }).next().prompt).toBe(a.prompt);
    const worker = new PromptSource({ promptTokens: 20, prefixTokens: 100, seed: 1, ownSeed: 77 }).next().prompt;
    expect(worker.startsWith(prefix)).toBe(true);
    expect(worker).not.toBe(a.prompt);
  });

  it('repeats its prompts with the same seed and not with another', () => {
    const take = (seed: number) => Array.from({ length: 5 }, ((s) => () => s.next().prompt)(new PromptSource({ promptTokens: { dist: 'normal', mean: 50, stddev: 10 }, seed })));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it('pins the output length, with min_tokens and ignore_eos when asked', () => {
    const p = new PromptSource({ promptTokens: 8, outputTokens: 64, ignoreEos: true }).next();
    expect(p).toMatchObject({ max_tokens: 64, min_tokens: 64, ignore_eos: true });
    const body = chatBody('m', p, { stream: true });
    expect(body).toMatchObject({ model: 'm', stream: true, max_tokens: 64, min_tokens: 64, ignore_eos: true });
    expect(completionBody('m', p)).toMatchObject({ prompt: p.prompt, max_tokens: 64, min_tokens: 64, ignore_eos: true });
    const plain = new PromptSource({ promptTokens: 8, outputTokens: 64 }).next();
    expect(chatBody('m', plain)).not.toHaveProperty('ignore_eos');
    expect(chatBody('m', plain)).not.toHaveProperty('min_tokens');
  });

  it('refuses a tokenizer that has no single-token words', () => {
    const tokenizer = loadTokenizer(file('tiny.json', JSON.stringify({ model: { type: 'WordLevel', vocab: { '[UNK]': 0, zzz: 1 }, unk_token: '[UNK]' }, pre_tokenizer: { type: 'Whitespace' } })));
    // Every word would be [UNK], one token each: not a prompt of that vocabulary.
    expect(() => new PromptSource({ tokenizer, promptTokens: 4 })).toThrow(/no single token for common English words/);
    const bpe = loadTokenizer(file('bpe.json', JSON.stringify({ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } })));
    expect(() => new PromptSource({ tokenizer: bpe, promptTokens: 4 })).toThrow(/no single token for common English words/);
  });
});

describe('PromptSource: datasets', () => {
  const SHAREGPT = JSON.stringify([
    { id: 'a', conversations: [{ from: 'human', value: 'What is load testing?' }, { from: 'gpt', value: 'Sending many requests at once.' }] },
    { id: 'b', conversations: [{ from: 'gpt', value: 'no human turn: skipped' }] },
    { id: 'c', conversations: [{ from: 'system', value: 'be brief' }, { from: 'human', value: 'Hello, world!' }] },
  ]);

  it('reads ShareGPT JSON: the first human turn, and the reply as the output length', () => {
    const prompts = loadPrompts(file('sharegpt.json', SHAREGPT));
    expect(prompts).toEqual([
      { messages: [{ role: 'user', content: 'What is load testing?' }], reply: 'Sending many requests at once.' },
      { messages: [{ role: 'user', content: 'Hello, world!' }] },
    ]);
    const source = new PromptSource({ dataset: prompts, seed: 2 });
    const seen = new Map<string, { inputTokens: number; max_tokens?: number }>();
    for (let i = 0; i < 40; i++) {
      const p = source.next();
      seen.set(p.prompt, p);
    }
    const t = defaultTokenizer();
    expect(seen.get('What is load testing?')).toMatchObject({ inputTokens: t.count('What is load testing?'), max_tokens: t.count('Sending many requests at once.') });
    expect(seen.get('Hello, world!')).toMatchObject({ inputTokens: 4 });
    expect(seen.get('Hello, world!')).not.toHaveProperty('max_tokens');
  });

  it('reads JSONL of prompts and messages; --output-tokens wins over the dataset', () => {
    const prompts = loadPrompts(file('d.jsonl', '{"prompt":"Once upon a time","max_tokens":9}\n{"messages":[{"role":"system","content":"Hi"},{"role":"user","content":"there"}]}\n'));
    const source = new PromptSource({ dataset: prompts, seed: 4, outputTokens: 5 });
    for (let i = 0; i < 10; i++) {
      const p = source.next();
      expect(p.max_tokens).toBe(5);
      expect(p.inputTokens).toBe(p.prompt === 'Once upon a time' ? 4 : 2);
    }
  });

  it('names the file and entry of a bad dataset', () => {
    expect(() => loadPrompts(file('x.json', '[{"conversations": [{"from": "human"}]}]'))).toThrow(/x\.json\[0\]: every conversation turn/);
    expect(() => loadPrompts(file('y.json', '[{"conversations": '))).toThrow(/y\.json: not JSON/);
    expect(() => loadPrompts(file('z.json', '[]'))).toThrow(/z\.json: no prompts/);
    expect(() => loadPrompts(join(tempDir('prompts'), 'none.jsonl'))).toThrow(/cannot read '.*none\.jsonl': ENOENT/);
  });
});

describe('readTokenSettings', () => {
  it('reads the options, checking only when a token option was given', () => {
    expect(readTokenSettings({}).checkUsage).toBe(false);
    expect(readTokenSettings({}).tokenizer.name).toBe('o200k_base');
    const s = readTokenSettings({ promptTokens: 100, promptTokensDist: 'fixed', prefixTokens: 10, outputTokens: 7, ignoreEos: true, seed: 9, usageTolerance: 3 });
    expect(s.checkUsage).toBe(true);
    expect(s.usageTolerance).toBe(3);
    expect(s.source).toMatchObject({ promptTokens: 100, prefixTokens: 10, outputTokens: 7, ignoreEos: true, seed: 9 });
  });

  it('names the option of a bad value', () => {
    expect(() => readTokenSettings({ tokenizer: '/nonexistent/tokenizer.json' })).toThrow(/^argument --tokenizer: cannot read '\/nonexistent\/tokenizer\.json': ENOENT$/);
    expect(() => readTokenSettings({ tokenizer: file('t.json', 'nope') })).toThrow(/^argument --tokenizer: '.*t\.json' is not JSON$/);
    const bpe = file('bpe.json', JSON.stringify({ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } }));
    expect(() => readTokenSettings({ tokenizer: bpe, promptTokens: 8 })).toThrow(/^argument --tokenizer: the tokenizer .*bpe\.json has no single token for common English words/);
    // Without synthetic prompts, such a tokenizer still counts.
    expect(readTokenSettings({ tokenizer: bpe }).tokenizer.count('ab')).toBe(2);
    expect(() => readTokenSettings({ promptTokensDist: 'uniform:5' })).toThrow(/^argument --prompt-tokens-dist: invalid value 'uniform:5'/);
    expect(() => readTokenSettings({ promptTokensDist: 'poisson:5' })).toThrow(/expected fixed, uniform:MIN:MAX or normal:MEAN:SD/);
    expect(() => readTokenSettings({ ignoreEos: true })).toThrow(/^argument --ignore-eos: needs --output-tokens/);
    expect(() => readTokenSettings({ dataset: file('e.jsonl', '{oops\n') })).toThrow(/^argument --dataset: .*e\.jsonl:1: not JSON$/);
    expect(() => readTokenSettings({ dataset: file('f.jsonl', '{"prompt":"x"}\n'), promptTokens: 5 })).toThrow(/^argument --dataset: takes its prompts from the file/);
  });

  it('parses length distributions', () => {
    expect(parseLengthDistribution('fixed', 12)).toBe(12);
    expect(parseLengthDistribution('uniform:10:20', undefined)).toEqual({ dist: 'uniform', min: 10, max: 20 });
    expect(parseLengthDistribution('normal:500:50', undefined)).toEqual({ dist: 'normal', mean: 500, stddev: 50 });
    expect(() => parseLengthDistribution('uniform:20:10', undefined)).toThrow(/1 <= MIN <= MAX/);
  });
});
