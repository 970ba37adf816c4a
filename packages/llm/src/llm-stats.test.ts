import { seededRandom } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { createHistogram as newHistogram, valuesAtPercentiles as percentiles } from '@locusta/stats';
import { record } from './histograms.ts';
import type { LlmSample } from './llm-entry.ts';
import { LlmStats, timePerOutputToken } from './llm-stats.ts';

function sample(over: Partial<LlmSample> = {}): LlmSample {
  return { name: '/v1/chat/completions', model: 'm', outcome: 'success', startTime: 1_000, e2e: 160, tokenSource: 'usage', ...over };
}

/** Within the 3-significant-digit resolution of the histograms. */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);
}

describe('LlmStats metrics', () => {
  it('measures a reasoning model from its first reasoning token, and its answer apart', () => {
    const stats = new LlmStats();
    // 40 reasoning chunks then 10 content chunks: the first at 200 ms, then one every 20 ms.
    const itl = Array.from({ length: 49 }, () => 20);
    stats.record(sample({ ttft: 200, answerTtft: 200 + 40 * 20, itl, e2e: 200 + 49 * 20, outputTokens: 50, reasoningTokens: 40 }));
    const e = stats.total;
    near(e.latency('ttft', [0.5])[0]!, 200);
    near(e.latency('answerTtft', [0.5])[0]!, 1000);
    near(e.latency('tpot', [0.5])[0]!, 20);
    near(e.latency('itl', [0.5])[0]!, 20);
    expect([e.outputTokens, e.reasoningTokens, e.answerTokens]).toEqual([50, 40, 10]);
    // A request whose split is unknown counts in the output tokens only.
    stats.record(sample({ ttft: 100, e2e: 300, outputTokens: 7 }));
    expect([e.outputTokens, e.reasoningTokens, e.answerTokens]).toEqual([57, 40, 10]);
    expect(e.count('answerTtft')).toBe(1);
  });

  it('derives TTFT, ITL, TPOT and e2e from known timings (vLLM definitions)', () => {
    const stats = new LlmStats();
    // First content at 100 ms, then chunks 10, 20 and 30 ms apart; [DONE] at 160 ms; 4 tokens.
    stats.record(sample({ ttft: 100, itl: [10, 20, 30], e2e: 160, inputTokens: 12, outputTokens: 4 }));
    const e = stats.get('/v1/chat/completions', 'm')!;
    near(e.latency('ttft', [0.5])[0]!, 100);
    e.latency('itl', [0, 0.5, 1]).forEach((v, i) => near(v, [10, 20, 30][i]!));
    // (160 - 100) / (4 - 1)
    near(e.latency('tpot', [0.5])[0]!, 20);
    near(e.latency('e2e', [0.5])[0]!, 160);
    expect(e.count('itl')).toBe(3);
    expect([e.requests, e.successes, e.inputTokens, e.outputTokens]).toEqual([1, 1, 12, 4]);
    // 4 tokens in 0.16 s
    near(e.requestTokensPerSecond([0.5])[0]!, 25);
    expect(e.tokenSource).toBe('usage');
  });

  it('has no TPOT without a TTFT or with a single output token', () => {
    expect(timePerOutputToken({ e2e: 100, ttft: 40, outputTokens: 1 })).toBeUndefined();
    expect(timePerOutputToken({ e2e: 100, outputTokens: 5 })).toBeUndefined();
    expect(timePerOutputToken({ e2e: 100, ttft: 40, outputTokens: 5 })).toBe(15);
  });

  it('counts shed load (with Retry-After) and other failures apart, with no latencies', () => {
    const stats = new LlmStats();
    stats.record(sample({ outcome: 'shed', retryAfter: true, e2e: 2 }));
    stats.record(sample({ outcome: 'shed', e2e: 2 }));
    stats.record(sample({ outcome: 'failure', e2e: 3 }));
    stats.record(sample({ ttft: 50, outputTokens: 2, tokenSource: 'chunks' }));
    const t = stats.total;
    expect([t.requests, t.successes, t.shed, t.retryAfter, t.failures]).toEqual([4, 1, 2, 1, 1]);
    expect(t.count('e2e')).toBe(1);
    expect(t.tokenSource).toBe('chunks');
  });

  it('computes overall output tokens/s over the wall time of all requests', () => {
    const stats = new LlmStats();
    stats.record(sample({ startTime: 0, e2e: 1000, outputTokens: 10 }));
    stats.record(sample({ startTime: 500, e2e: 1500, outputTokens: 20, model: 'n' }));
    expect(stats.total.wallSeconds).toBe(2);
    expect(stats.total.outputTokensPerSecond).toBe(15);
    expect(stats.get('/v1/chat/completions', 'n')!.outputTokensPerSecond).toBeCloseTo(20 / 1.5, 10);
    stats.record(sample({ tokenSource: 'none' }));
    expect(stats.total.tokenSource).toBe('usage 67% / none 33%');
  });

  it('keeps entries per endpoint name and model, sorted, plus the Aggregated entry', () => {
    const stats = new LlmStats();
    stats.record(sample({ name: 'b', model: 'x' }));
    stats.record(sample({ name: 'a', model: 'y' }));
    stats.record(sample({ name: 'a', model: 'x' }));
    stats.record(sample({ name: 'a', model: 'x' }));
    expect(stats.entries().map((e) => [e.name, e.model, e.requests])).toEqual([['a', 'x', 2], ['a', 'y', 1], ['b', 'x', 1]]);
    expect(stats.total.requests).toBe(4);
    stats.reset();
    expect(stats.entries()).toEqual([]);
    expect(stats.total.requests).toBe(0);
  });

  it('counts goodput: successes meeting every bound, as a share and a rate', () => {
    const stats = new LlmStats({ ttft: 100, tpot: 20, e2e: 1000 });
    stats.record(sample({ startTime: 0, ttft: 90, e2e: 300, outputTokens: 11 })); // tpot 21: not good
    stats.record(sample({ startTime: 0, ttft: 90, e2e: 290, outputTokens: 11 })); // tpot 20: good
    stats.record(sample({ startTime: 0, ttft: 110, e2e: 200, outputTokens: 2 })); // ttft too long
    stats.record(sample({ startTime: 0, e2e: 1000, outputTokens: 3 })); // not streamed: e2e bound only, met
    stats.record(sample({ startTime: 0, outcome: 'shed', e2e: 1 })); // never good
    expect(stats.total.good).toBe(2);
    expect(stats.total.goodputRatio).toBe(2 / 5);
    expect(stats.total.goodputRate).toBe(2); // 2 good in 1 s of wall time
  });
});

describe('histogram percentiles', () => {
  it('are the nearest-rank values, exact for small integers', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 501 }, () => Math.floor(random() * 2000));
    const h = newHistogram();
    for (const v of values) record(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    const ps = [0.01, 0.25, 0.5, 0.9, 0.99, 1];
    expect(percentiles(h, ps)).toEqual(ps.map((p) => sorted[Math.ceil(p * sorted.length) - 1]));
  });
});

describe('serialize and merge', () => {
  function randomSample(random: () => number): LlmSample {
    const roll = random();
    const out = 1 + Math.floor(random() * 300);
    const ttft = 5 + random() * 3000;
    const itl = Array.from({ length: out - 1 }, () => random() * 80);
    // Half the requests reason first: their answer starts after the reasoning chunks.
    const reasoning = random() < 0.5 ? Math.floor(random() * out) : undefined;
    const answerTtft = ttft + itl.slice(0, reasoning ?? 0).reduce((a, b) => a + b, 0);
    return {
      name: random() < 0.5 ? '/v1/chat/completions' : 'chat',
      model: ['a', 'b', 'c'][Math.floor(random() * 3)]!,
      outcome: roll < 0.1 ? 'shed' : roll < 0.15 ? 'failure' : 'success',
      retryAfter: random() < 0.5,
      startTime: 1_700_000_000_000 + Math.floor(random() * 60_000),
      e2e: ttft + itl.reduce((a, b) => a + b, 0),
      ttft,
      answerTtft,
      itl,
      inputTokens: Math.floor(random() * 4000),
      outputTokens: out,
      reasoningTokens: reasoning,
      tokenSource: random() < 0.8 ? 'usage' : 'chunks',
    };
  }

  it('merges workers’ deltas into exactly what one process recording everything holds', () => {
    const random = seededRandom(42);
    const goodput = { ttft: 1500, tpot: 40 };
    const single = new LlmStats(goodput);
    const master = new LlmStats(goodput);
    const workers = [new LlmStats(goodput), new LlmStats(goodput), new LlmStats(goodput)];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 400; i++) {
        const s = randomSample(random);
        single.record(s);
        workers[i % 3]!.record(s);
      }
      // Each worker reports its interval as JSON-safe data and starts a new one.
      for (const w of workers) {
        master.merge(JSON.parse(JSON.stringify(w.serialize())));
        w.reset();
      }
    }
    expect(master.serialize()).toEqual(single.serialize());
    const ps = [0.5, 0.9, 0.95, 0.99, 0.999];
    for (const metric of ['ttft', 'answerTtft', 'itl', 'tpot', 'e2e'] as const) {
      expect(master.total.latency(metric, ps)).toEqual(single.total.latency(metric, ps));
    }
    expect(master.total.requests).toBe(2000);
    expect(master.total.reasoningTokens).toBeGreaterThan(0);
    expect([master.total.reasoningTokens, master.total.answerTokens]).toEqual([single.total.reasoningTokens, single.total.answerTokens]);
    expect(master.total.outputTokensPerSecond).toBe(single.total.outputTokensPerSecond);
    expect(master.total.good).toBeGreaterThan(0);
  });
});
