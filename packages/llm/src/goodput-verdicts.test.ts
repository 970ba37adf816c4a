import { describe, expect, it } from 'vitest';
import { goodputVerdicts } from './goodput-verdicts.ts';
import { LlmStats } from './llm-stats.ts';

function sample(e2e: number, ttft: number) {
  return { name: '/v1/chat/completions', model: 'm', outcome: 'success' as const, startTime: 1_700_000_000_000, e2e, ttft, outputTokens: 1, tokenSource: 'usage' as const };
}

describe('goodputVerdicts', () => {
  it('gives one verdict per bound, failed when some request broke it, with the count and the bound', () => {
    const stats = new LlmStats({ ttft: 500, e2e: 2000 });
    // Three answers within both bounds; one whose TTFT is over (and equal to the e2e bound, which meets it).
    for (const ttft of [100, 200, 500]) stats.record(sample(1000, ttft));
    stats.record(sample(2000, 800));
    const [ttft, e2e, ...rest] = goodputVerdicts(stats);
    expect(rest).toEqual([]);
    expect(ttft).toMatchObject({ suite: 'Goodput', name: 'ttft<=500 ms', pass: false, bound: '<= 500 ms per request' });
    expect(ttft!.value).toMatch(/^1 of 4 over \(25\.00%\), p99 800 ms, max 800 ms$/);
    expect(ttft!.message).toBe('goodput bound ttft:500 broken by 1 of 4 requests (25.00%), p99 800 ms, max 800 ms; bound <= 500 ms per request');
    expect(e2e).toMatchObject({ name: 'e2e<=2000 ms', pass: true, message: '' });
    expect(e2e!.value).toMatch(/^0 of 4 over/);
  });

  it('gives none without bounds, and "no data" when no request has the metric', () => {
    expect(goodputVerdicts(new LlmStats())).toEqual([]);
    const [tpot] = goodputVerdicts(new LlmStats({ tpot: 50 }));
    expect(tpot).toMatchObject({ name: 'tpot<=50 ms', pass: true, value: 'no data' });
  });
});
