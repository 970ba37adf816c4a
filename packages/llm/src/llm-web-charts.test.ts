import { resetStatsSettings, statsSettings } from '@locusta/stats';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { llmOutput } from './llm-output.ts';
import { LlmStats } from './llm-stats.ts';
import { LlmWebCharts } from './llm-web-charts.ts';

afterEach(() => resetStatsSettings());

const sample = (ttft: number, e2e: number, over: Partial<LlmSample> = {}): LlmSample => ({
  name: 'chat', model: 'm', outcome: 'success', startTime: 1_000_000, e2e, ttft, itl: [ttft / 10, ttft / 5], outputTokens: 3, tokenSource: 'usage', ...over,
});

interface Chart { id: string; x: number[]; series: Array<{ label: string; values: Array<number | null> }> }

/** The charts of the web UI's LLM table, as the server sends them with `/stats/extra`. */
function charts(stats: LlmStats): Chart[] {
  return llmOutput(stats).webTable!()!.charts as Chart[];
}

describe("the web UI's LLM charts", () => {
  it('draw TTFT, ITL and E2E at the percentiles the request charts use (PERCENTILES_TO_CHART), not a fixed p50/p95', () => {
    statsSettings.PERCENTILES_TO_CHART = [0.5, 0.9, 0.99];
    const stats = new LlmStats();
    for (let i = 1; i <= 100; i++) stats.record(sample(i, 10 * i));
    const [ttft, itl, e2e] = charts(stats);
    expect([ttft!.id, itl!.id, e2e!.id]).toEqual(['llm-ttft', 'llm-itl', 'llm-e2e']);
    for (const c of [ttft!, itl!, e2e!]) {
      expect(c.series.map((s) => s.label)).toEqual(['p50', 'p90', 'p99']);
      expect(c.x).toHaveLength(1);
    }
    // Nearest rank of 1..100 ms, by the middle of the 3-digit bucket.
    expect(ttft!.series.map((s) => s.values[0])).toEqual([50, 90, 99].map((v) => expect.closeTo(v, 0)));
    expect(e2e!.series.map((s) => s.values[0])).toEqual([500, 900, 990].map((v) => expect.closeTo(v, -1)));
  });

  it('follow a change of the settings, and the defaults are p50 and p95', () => {
    const stats = new LlmStats();
    stats.record(sample(100, 400));
    expect(charts(stats)[0]!.series.map((s) => s.label)).toEqual(['p50', 'p95']);
    statsSettings.PERCENTILES_TO_CHART = [0.75, 0.999];
    expect(charts(stats)[0]!.series.map((s) => s.label)).toEqual(['p75', 'p99.9']);
  });

  it('nothing before the first LLM request', () => {
    expect(charts(new LlmStats())).toEqual([]);
  });

  it('a point a second, each of the requests recorded since the previous one', () => {
    const stats = new LlmStats();
    const web = new LlmWebCharts();
    for (let i = 0; i < 10; i++) stats.record(sample(10, 100));
    web.charts(stats, 5_000);
    // The same second: no new point.
    expect(web.charts(stats, 5_900)[0]!.x).toEqual([5]);
    for (let i = 0; i < 10; i++) stats.record(sample(1000, 2000));
    const [ttft] = web.charts(stats, 6_000);
    expect(ttft!.x).toEqual([5, 6]);
    expect(ttft!.series[0]!.values).toEqual([expect.closeTo(10, 0), expect.closeTo(1000, -1)]);
    // A second without new requests has no value; a reset starts over.
    expect(web.charts(stats, 7_000)[0]!.series[0]!.values[2]).toBeNull();
    web.reset();
    stats.reset();
    expect(web.charts(stats, 8_000)).toEqual([]);
  });
});
