import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODELS,
  concurrencySlowdown,
  createRng,
  estimateTokens,
  fillerText,
  findModel,
  jitterFactor,
  naturalOutputTokens,
  planGeneration,
  streamTokenRate,
} from './index.ts';
import type { ModelSpec, PlanInput } from './index.ts';

const model = (id: string): ModelSpec => {
  const m = findModel(DEFAULT_MODELS, id);
  if (m === undefined) throw new Error(`no model ${id}`);
  return m;
};

const base = (over: Partial<PlanInput> = {}): PlanInput => ({
  model: model('llama3.2:latest'),
  promptText: 'What is load testing?',
  inFlight: 1,
  speed: 1,
  jitter: 1,
  ...over,
});

describe('token estimates', () => {
  it('estimates prompt tokens as ceil(chars / 4)', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('What is load testing?')).toBe(6);
  });

  it('derives a stable output length from the prompt', () => {
    const n = naturalOutputTokens('What is load testing?', 6);
    expect(n).toBe(naturalOutputTokens('What is load testing?', 6));
    expect(n).toBeGreaterThanOrEqual(16);
    expect(n).toBeLessThanOrEqual(16 + 112 + 6);
  });

  it('caps output at max_tokens (default DEFAULT_MAX_TOKENS)', () => {
    const free = planGeneration(base());
    expect(free.completionTokens).toBe(naturalOutputTokens('What is load testing?', 6));
    expect(free.completionTokens).toBeLessThanOrEqual(DEFAULT_MAX_TOKENS);
    expect(free.finishReason).toBe('stop');
    const capped = planGeneration(base({ maxTokens: 3 }));
    expect(capped.completionTokens).toBe(3);
    expect(capped.finishReason).toBe('length');
  });
});

describe('planGeneration', () => {
  it('makes bigger models slower, in prefill and decode', () => {
    const ids = ['llama3.2:1b', 'llama3.2:latest', 'llama3.1:8b', 'qwen2.5:14b', 'llama3.1:70b'];
    const plans = ids.map((id) => planGeneration(base({ model: model(id), promptText: 'x'.repeat(4000) })));
    for (let i = 1; i < plans.length; i++) {
      expect(plans[i]!.ttftMs).toBeGreaterThan(plans[i - 1]!.ttftMs);
      expect(plans[i]!.interTokenMs).toBeGreaterThan(plans[i - 1]!.interTokenMs);
      expect(plans[i]!.totalMs).toBeGreaterThan(plans[i - 1]!.totalMs);
    }
  });

  it('adds up: total = ttft + interToken * (tokens - 1)', () => {
    const p = planGeneration(base());
    expect(p.totalMs).toBeCloseTo(p.ttftMs + p.interTokenMs * (p.completionTokens - 1), 9);
  });

  it('slows decode with more requests in flight, but not prefill', () => {
    const one = planGeneration(base({ inFlight: 1 }));
    const many = planGeneration(base({ inFlight: 16 }));
    expect(many.interTokenMs).toBeCloseTo(one.interTokenMs * concurrencySlowdown(16), 9);
    expect(many.ttftMs).toBe(one.ttftMs);
    expect(concurrencySlowdown(1)).toBe(1);
    // Aggregate throughput still grows with concurrency (continuous batching).
    expect(16 / concurrencySlowdown(16)).toBeGreaterThan(1);
  });

  it('divides every latency by speed and multiplies by jitter', () => {
    const p1 = planGeneration(base());
    const p50 = planGeneration(base({ speed: 50 }));
    const jittered = planGeneration(base({ jitter: 1.1 }));
    expect(p50.totalMs).toBeCloseTo(p1.totalMs / 50, 9);
    expect(jittered.totalMs).toBeCloseTo(p1.totalMs * 1.1, 9);
    expect(p50.completionTokens).toBe(p1.completionTokens);
  });

  it('uses fixedLatencyMs as the total, ignoring everything else', () => {
    const p = planGeneration(base({ fixedLatencyMs: 250, inFlight: 10, speed: 7, jitter: 1.05 }));
    expect(p.totalMs).toBe(250);
    expect(p.ttftMs).toBeLessThanOrEqual(250);
    expect(p.ttftMs + p.interTokenMs * (p.completionTokens - 1)).toBeCloseTo(250, 9);
  });
  it('puts reasoning tokens before the answer, within max_tokens and the completion tokens', () => {
    const natural = planGeneration(base()).completionTokens;
    const thinking = planGeneration(base({ reasoningTokens: 40 }));
    expect([thinking.completionTokens, thinking.reasoningTokens, thinking.finishReason]).toEqual([natural + 40, 40, 'stop']);
    // Decoding reasoning costs as much as decoding the answer.
    expect(thinking.totalMs).toBeCloseTo(thinking.ttftMs + thinking.interTokenMs * (natural + 39), 9);
    expect(planGeneration(base({ reasoningTokens: 40, maxTokens: 50 }))).toMatchObject({ completionTokens: 50, reasoningTokens: 40, finishReason: 'length' });
    expect(planGeneration(base({ reasoningTokens: 40, maxTokens: 30 }))).toMatchObject({ completionTokens: 30, reasoningTokens: 30, finishReason: 'length' });
    expect(planGeneration(base()).reasoningTokens).toBe(0);
  });
});

describe('streamTokenRate', () => {
  const rate = (over: Partial<Parameters<typeof streamTokenRate>[0]> = {}) =>
    streamTokenRate({ model: model('llama3.2:1b'), inFlight: 1, decoding: 1, speed: 1, ...over });

  it("is the model's decode rate, slowed like a plain answer's by what is in flight", () => {
    expect(rate()).toBeCloseTo(1000 / 8, 9);
    expect(rate({ inFlight: 5 })).toBeCloseTo(1000 / (8 * concurrencySlowdown(5)), 9);
    expect(rate({ speed: 50 })).toBeCloseTo((1000 / 8) * 50, 9);
    expect(rate({ model: model('llama3.1:70b') })).toBeLessThan(rate());
  });

  it('caps each decoding stream at an equal share of the token budget', () => {
    // 125 tok/s of its own; a 100 tok/s budget caps one stream, four share it as 25 each.
    expect(rate({ tokenBudget: 100 })).toBe(100);
    expect(rate({ tokenBudget: 100, decoding: 4, inFlight: 4 })).toBe(25);
    // A budget above what the streams can use changes nothing.
    expect(rate({ tokenBudget: 10_000, decoding: 2, inFlight: 2 })).toBeCloseTo(rate({ inFlight: 2 }), 9);
    // The budget is in tokens/s at speed 1, like every other cost.
    expect(rate({ tokenBudget: 100, decoding: 4, inFlight: 4, speed: 10 })).toBe(250);
  });

  it('slows every stream as streams are added under a budget', () => {
    const rates = [1, 2, 4, 8, 16].map((n) => rate({ tokenBudget: 100, decoding: n, inFlight: n }));
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1]!);
  });

  it('is infinite for a model that decodes in no time', () => {
    expect(rate({ model: { ...model('llama3.2:1b'), decodeMsPerToken: 0 } })).toBe(Infinity);
  });
});

describe('seeded randomness', () => {
  it('createRng is deterministic per seed and in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 100 }, () => a());
    const seqB = Array.from({ length: 100 }, () => b());
    const seqC = Array.from({ length: 100 }, () => c());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    for (const x of seqA) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('jitterFactor stays within the spread', () => {
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const j = jitterFactor(rng, 0.1);
      expect(j).toBeGreaterThanOrEqual(0.9);
      expect(j).toBeLessThan(1.1);
    }
  });
});

describe('fillerText', () => {
  it('produces exactly the requested number of words, deterministically', () => {
    for (const n of [0, 1, 2, 17, 256]) {
      const text = fillerText(n, 99);
      expect(text === '' ? 0 : text.split(' ').length).toBe(n);
      expect(fillerText(n, 99)).toBe(text);
    }
    expect(fillerText(20, 1)).not.toBe(fillerText(20, 2));
    expect(fillerText(5, 3)).toMatch(/^[A-Z].*\.$/);
  });
});

describe('findModel', () => {
  it('resolves a bare name to :latest, like Ollama', () => {
    expect(findModel(DEFAULT_MODELS, 'llama3.2')?.id).toBe('llama3.2:latest');
    expect(findModel(DEFAULT_MODELS, 'llama3.1')).toBeUndefined();
    expect(findModel(DEFAULT_MODELS, 'llama3.1:8b')?.id).toBe('llama3.1:8b');
  });
});
