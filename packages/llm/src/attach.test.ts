import { Environment, Events } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { attachLlmStats, llmStatsOf } from './attach.ts';
import type { LlmSample } from './llm-entry.ts';

const sample: LlmSample = { name: 'n', model: 'm', outcome: 'success', startTime: 0, e2e: 10, ttft: 2, outputTokens: 3, tokenSource: 'usage' };
const env = () => new Environment({ events: new Events() });

describe('attachLlmStats', () => {
  it('keeps one LlmStats per environment', () => {
    const a = env();
    expect(llmStatsOf(a)).toBe(llmStatsOf(a));
    expect(llmStatsOf(a)).not.toBe(llmStatsOf(env()));
    expect(attachLlmStats(a, { role: 'local' })).toBe(llmStatsOf(a));
  });

  it('on a worker, adds the samples since the last report to each report and starts over', () => {
    const w = env();
    const stats = attachLlmStats(w, { role: 'worker' });
    stats.record(sample);
    const data: Record<string, unknown> = {};
    w.events.reportToMaster.fire({ clientId: 'w', data });
    expect((data['llm'] as { total: { requests: number } }).total.requests).toBe(1);
    expect(stats.total.requests).toBe(0);
    const empty: Record<string, unknown> = {};
    w.events.reportToMaster.fire({ clientId: 'w', data: empty });
    expect(empty).toEqual({});
  });

  it('on a master, merges the llm key of worker reports (under custom, as the runner sends them)', () => {
    const w = env();
    const m = env();
    const ws = attachLlmStats(w, { role: 'worker' });
    const ms = attachLlmStats(m, { role: 'master' });
    ws.record(sample);
    const custom: Record<string, unknown> = {};
    w.events.reportToMaster.fire({ clientId: 'w', data: custom });
    m.events.workerReport.fire({ clientId: 'w', data: { stats: {}, custom } });
    m.events.workerReport.fire({ clientId: 'w', data: { custom: {} } });
    expect(ms.total.requests).toBe(1);
    expect(ms.total.outputTokens).toBe(3);
  });

  it('resets on resetStats and at test start, where it reads --goodput from the options', async () => {
    const e = env();
    const stats = attachLlmStats(e, { role: 'local' });
    stats.record(sample);
    e.events.resetStats.fire();
    expect(stats.total.requests).toBe(0);
    stats.record(sample);
    e.parsedOptions = { goodput: ['ttft:5', 'tpot:5'] };
    await e.events.testStart.fireAsync({ environment: e });
    expect(stats.total.requests).toBe(0);
    expect(stats.goodput).toEqual({ ttft: 5, tpot: 5 });
    stats.record(sample);
    expect(stats.total.good).toBe(1);
  });

  it('logs a bad --goodput from the options instead of failing the test start', async () => {
    const errors: string[] = [];
    const e = new Environment({ events: new Events(), parsedOptions: { goodput: 'fast' }, logger: { ...silent(), error: (m: string) => void errors.push(m) } as never });
    attachLlmStats(e, { role: 'worker' });
    await e.events.testStart.fireAsync({ environment: e });
    expect(errors.join('')).toContain('invalid --goodput "fast"');
  });
});

function silent() {
  const noop = () => undefined;
  return { debug: noop, info: noop, warn: noop, error: noop };
}
