import { describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { LlmStats } from './llm-stats.ts';
import { llmWindowFigures, llmWindowMark } from './llm-window.ts';

function sample(over: Partial<LlmSample> = {}): LlmSample {
  return { name: 'chat', model: 'm', outcome: 'success', startTime: 1_000, e2e: 100, ttft: 10, itl: [5], outputTokens: 2, tokenSource: 'usage', ...over };
}

describe('llmWindowFigures', () => {
  it('gives the percentiles and rates of the generations recorded since the mark only', () => {
    const stats = new LlmStats({ e2e: 1000 });
    for (let i = 0; i < 50; i++) stats.record(sample());
    const mark = llmWindowMark(stats);
    // After the mark: 10 slow generations, 5 of them past the goodput bound.
    for (let i = 0; i < 10; i++) stats.record(sample({ e2e: i < 5 ? 800 : 2000, ttft: 300, itl: [40], outputTokens: 10 }));
    const f = llmWindowFigures(stats, mark, 5);
    expect(f['requests']).toBe(10);
    expect(f['ttft_p50']).toBeCloseTo(300, 0);
    expect(f['itl_p99']).toBeCloseTo(40, 0);
    expect(f['e2e_p50']).toBeCloseTo(800, 0);
    expect(f['e2e_p99']).toBeCloseTo(2000, 0);
    expect(f['output_tokens_per_s']).toBe(20);
    expect(f['goodput_rps']).toBe(1);
    // The whole run from an empty mark.
    expect(llmWindowFigures(stats, undefined, 5)['requests']).toBe(60);
  });

  it('has no value for a window without generations, no goodput without bounds, no figures without any generation', () => {
    const stats = new LlmStats();
    expect(llmWindowFigures(stats, llmWindowMark(stats), 5)).toEqual({});
    stats.record(sample());
    const mark = llmWindowMark(stats);
    const f = llmWindowFigures(stats, mark, 5);
    expect(f['requests']).toBe(0);
    expect(f['e2e_p99']).toBeNull();
    expect('goodput_rps' in f).toBe(false);
  });

  it('counts a mark taken before a reset as nothing', () => {
    const stats = new LlmStats();
    for (let i = 0; i < 5; i++) stats.record(sample());
    const mark = llmWindowMark(stats);
    stats.reset();
    stats.record(sample());
    expect(llmWindowFigures(stats, mark, 1)['requests']).toBe(1);
  });
});
