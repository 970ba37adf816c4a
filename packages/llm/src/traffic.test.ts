import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@locusta/core';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { chatBody, completionBody, loadPrompts, sampleLength, syntheticPrompts, weightedModels } from './traffic.ts';

function file(text: string): string {
  const path = join(tempDir('llm'), 'prompts.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('weightedModels', () => {
  it('picks models in proportion to their weights, repeatably with a seed', () => {
    const counts: Record<string, number> = { small: 0, large: 0, off: 0 };
    const pick = weightedModels([['small', 3], ['large', 1], ['off', 0]], seededRandom(9));
    for (let i = 0; i < 4000; i++) counts[pick()]!++;
    expect(counts['off']).toBe(0);
    expect(counts['small']! / 4000).toBeCloseTo(0.75, 1);
    const again = weightedModels([['small', 3], ['large', 1], ['off', 0]], seededRandom(9));
    const first = weightedModels([['small', 3], ['large', 1], ['off', 0]], seededRandom(9));
    expect(Array.from({ length: 50 }, again)).toEqual(Array.from({ length: 50 }, first));
  });
  it('rejects no models, negative weights and all-zero weights', () => {
    expect(() => weightedModels([])).toThrow('at least one');
    expect(() => weightedModels([['a', -1]])).toThrow("weight of model 'a'");
    expect(() => weightedModels([['a', 0]])).toThrow('weight > 0');
  });
});

describe('loadPrompts', () => {
  it('reads messages and prompts, with max_tokens, skipping blank lines', () => {
    const path = file(
      '{"messages":[{"role":"user","content":"hi"}]}\n\n{"prompt":"Once upon","max_tokens":32}\r\n',
    );
    expect(loadPrompts(path)).toEqual([{ messages: [{ role: 'user', content: 'hi' }] }, { prompt: 'Once upon', max_tokens: 32 }]);
  });
  it('names the line of a bad entry', () => {
    expect(() => loadPrompts(file('{"prompt":"a"}\n{oops\n'))).toThrow(/prompts\.jsonl:2: not JSON/);
    expect(() => loadPrompts(file('{"text":"a"}\n'))).toThrow(/:1: expected "messages"/);
    expect(() => loadPrompts(file('{"messages":[{"role":"user"}]}\n'))).toThrow(/:1: every message/);
    expect(() => loadPrompts(file('{"prompt":"a","max_tokens":0}\n'))).toThrow(/:1: max_tokens/);
    expect(() => loadPrompts(file('\n'))).toThrow(/no prompts/);
  });
});

describe('synthetic prompts', () => {
  it('draw lengths within the bounds of their distributions', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const u = sampleLength({ dist: 'uniform', min: 10, max: 20 }, random);
      expect(u >= 10 && u <= 20 && Number.isInteger(u)).toBe(true);
      const n = sampleLength({ dist: 'normal', mean: 100, stddev: 50, min: 20, max: 150 }, random);
      expect(n >= 20 && n <= 150 && Number.isInteger(n)).toBe(true);
    }
    expect(sampleLength(7.4, random)).toBe(7);
    const mean = Array.from({ length: 4000 }, () => sampleLength({ dist: 'normal', mean: 500, stddev: 50 }, random)).reduce((a, b) => a + b) / 4000;
    expect(mean).toBeCloseTo(500, -1);
  });

  it('are the same for the same seed, with as many words as input tokens', () => {
    const options = { inputTokens: { dist: 'normal', mean: 64, stddev: 16 }, outputTokens: { dist: 'uniform', min: 8, max: 32 }, seed: 4 } as const;
    const a = syntheticPrompts(options);
    const b = syntheticPrompts(options);
    for (let i = 0; i < 20; i++) {
      const p = a();
      expect(b()).toEqual(p);
      expect(p.prompt.split(' ').length).toBe(p.inputTokens);
      expect(p.max_tokens >= 8 && p.max_tokens <= 32).toBe(true);
      expect(p.messages).toEqual([{ role: 'user', content: p.prompt }]);
    }
  });

  it('become request bodies', () => {
    expect(chatBody('m', { prompt: 'hi', max_tokens: 4 }, { stream: true })).toEqual({ stream: true, model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
    expect(completionBody('m', { messages: [{ role: 'system', content: 'a' }, { role: 'user', content: 'b' }] })).toEqual({ model: 'm', prompt: 'a\nb' });
  });
});
