import { describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { checkLlmReport } from './llm-report-check.ts';
import { LlmStats } from './llm-stats.ts';
import { defaultTokenizer } from './tokenizer.ts';
import { expectedPromptTokens, isUsageMismatch } from './usage-check.ts';

const sample = (extra: Partial<LlmSample>): LlmSample => ({ name: 'chat', model: 'm', outcome: 'success', startTime: 1_000, e2e: 100, tokenSource: 'usage', inputTokens: 10, outputTokens: 5, ...extra });

describe('the usage check', () => {
  it('counts a completion prompt and the text of chat messages, without a template', () => {
    const t = defaultTokenizer();
    expect(expectedPromptTokens(t, 'completion', { prompt: 'Hello, world!' })).toBe(4);
    expect(expectedPromptTokens(t, 'completion', { prompt: ['Hello, world!'] })).toBe(4);
    expect(expectedPromptTokens(t, 'completion', { prompt: [1, 2, 3] })).toBeUndefined();
    const messages = [
      { role: 'system', content: 'Hello, world!' },
      { role: 'user', content: [{ type: 'text', text: 'hello world' }, { type: 'image_url', image_url: { url: 'x' } }] },
    ];
    expect(expectedPromptTokens(t, 'chat', { messages })).toBe(6);
    expect(expectedPromptTokens(t, 'chat', {})).toBeUndefined();
  });

  it('is a mismatch below the count or above count + tolerance', () => {
    expect(isUsageMismatch(100, 100, 0)).toBe(false);
    expect(isUsageMismatch(99, 100, 64)).toBe(true);
    expect(isUsageMismatch(164, 100, 64)).toBe(false);
    expect(isUsageMismatch(165, 100, 64)).toBe(true);
  });
});

describe('cached tokens and usage mismatches in LlmStats', () => {
  it('are summed over successes, sent by workers and merged', () => {
    const worker = new LlmStats();
    worker.record(sample({ cachedTokens: 8, expectedInputTokens: 10, usageMismatch: false }));
    worker.record(sample({ cachedTokens: 2, expectedInputTokens: 12, usageMismatch: true }));
    worker.record(sample({}));
    worker.record(sample({ outcome: 'failure', cachedTokens: 50, usageMismatch: true }));
    expect(worker.total).toMatchObject({ cachedTokens: 10, usageChecked: 2, usageMismatches: 1 });
    const data = worker.serialize();
    expect(checkLlmReport(data)).toBeUndefined();
    const master = new LlmStats();
    master.merge(data);
    master.merge(data);
    expect(master.total).toMatchObject({ cachedTokens: 20, usageChecked: 4, usageMismatches: 2 });
    expect(master.get('chat', 'm')).toMatchObject({ cachedTokens: 20, usageChecked: 4, usageMismatches: 2 });
  });

  it('a report from a worker without them still merges', () => {
    const stats = new LlmStats();
    stats.record(sample({}));
    const data = stats.serialize();
    for (const e of [...data.entries, data.total]) {
      delete e.cachedTokens;
      delete e.usageChecked;
      delete e.usageMismatches;
    }
    expect(checkLlmReport(data)).toBeUndefined();
    const master = new LlmStats();
    master.merge(data);
    expect(master.total).toMatchObject({ cachedTokens: 0, usageChecked: 0, usageMismatches: 0, requests: 1 });
  });

  it('a report with impossible counts is refused', () => {
    const stats = new LlmStats();
    stats.record(sample({ expectedInputTokens: 10, usageMismatch: true }));
    const bad = (change: (e: Record<string, unknown>) => void) => {
      const data = stats.serialize();
      change(data.total as unknown as Record<string, unknown>);
      return checkLlmReport(data);
    };
    expect(bad((e) => (e['usageMismatches'] = 2))).toMatch(/usageMismatches 2 > usageChecked 1/);
    expect(bad((e) => (e['usageChecked'] = 5))).toMatch(/usageChecked 5 > successes 1/);
    expect(bad((e) => (e['usageChecked'] = -1))).toMatch(/expected integers >= 0/);
    expect(bad((e) => (e['cachedTokens'] = Number.NaN))).toMatch(/cachedTokens/);
  });
});
