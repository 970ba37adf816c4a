import { describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { LLM_HISTORY_CSV_HEADER, LlmHistoryCsv } from './llm-history-csv.ts';
import { LLM_LATENCY_BUCKETS, llmPrometheus } from './llm-prometheus.ts';
import { LlmStats } from './llm-stats.ts';
import { llmTableData } from './llm-table-data.ts';

/** A request that finished in unix second `endSecond`. */
function finished(endSecond: number, over: Partial<LlmSample> = {}): LlmSample {
  return { name: 'chat', model: 'm', outcome: 'success', startTime: endSecond * 1000, e2e: 400, ttft: 100, outputTokens: 8, inputTokens: 3, tokenSource: 'usage', ...over };
}

/** Seconds 100..119: a success of model m each second, a shed request of model n every other. */
function steadyRun(): LlmStats {
  const stats = new LlmStats();
  for (let t = 100; t < 120; t++) {
    stats.record(finished(t));
    if (t % 2 === 0) stats.record(finished(t, { model: 'n', outcome: 'shed', ttft: undefined, outputTokens: undefined, inputTokens: undefined }));
  }
  return stats;
}

function lines(csv: string): string[][] {
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(0, -2).split('\r\n').map((l) => l.split(','));
}

describe('LlmHistoryCsv (PREFIX_llm_history.csv)', () => {
  it('has no rows before any LLM request', () => {
    expect(new LlmHistoryCsv().rows(new LlmStats(), 5_000)).toBe('');
  });

  it('writes the Aggregated row with current rates and totals, and every entry with full history', () => {
    const stats = steadyRun();
    const csv = new LlmHistoryCsv();
    expect(csv.header()).toBe(`${LLM_HISTORY_CSV_HEADER.join(',')}\r\n`);
    // Window [107, 117): 15 requests, 5 shed, 80 output tokens over 10 s.
    expect(lines(csv.rows(stats, 121_900))).toEqual([['121', 'Aggregated', '', '1.500', '0.500', '8.000', '30', '10', '160', '100.000', 'N/A', '0', '0', '0']]);
    const full = lines(new LlmHistoryCsv({ fullHistory: true }).rows(stats, 121_900));
    expect(full.map((r) => r.slice(0, 6))).toEqual([
      ['121', 'chat', 'm', '1.000', '0.000', '8.000'],
      ['121', 'chat', 'n', '0.500', '0.500', '0.000'],
      ['121', 'Aggregated', '', '1.500', '0.500', '8.000'],
    ]);
    // Shed requests have no TTFT.
    expect(full[1]![9]).toBe('N/A');
  });
});

describe('llmTableData (the web UI’s LLM tab)', () => {
  it('has the columns and no rows before any request', () => {
    const data = llmTableData(new LlmStats());
    expect(data.rows).toEqual([]);
    expect(data.columns.slice(0, 8)).toEqual(['Name', 'Model', 'Requests', 'Shed', 'Failures', 'Current requests/s', 'Current shed/s', 'Current output tokens/s']);
    expect(data.columns).not.toContain('Good requests');
  });

  it('gives a row per endpoint and model, then Aggregated, with the current shed rate', () => {
    const stats = steadyRun();
    const { columns, rows } = llmTableData(stats);
    const col = (h: string) => columns.indexOf(h);
    expect(rows.map((r) => [r[col('Name')], r[col('Model')], r[col('Requests')], r[col('Shed')], r[col('Current shed/s')]])).toEqual([
      ['chat', 'm', 20, 0, 0],
      ['chat', 'n', 10, 10, 0.5],
      ['Aggregated', '', 30, 10, 0.5],
    ]);
    // No successes for n: its latencies are null (shown as '-').
    expect(rows[1]![col('TTFT p50 (ms)')]).toBeNull();
    expect(rows[0]![col('TTFT p50 (ms)')]).toBe(100);
    expect(rows.every((r) => r.length === columns.length)).toBe(true);
    stats.goodput = { ttft: 500 };
    expect(llmTableData(stats).columns).toContain('Goodput ratio');
  });
});

describe('llmPrometheus', () => {
  it('is empty before any request', () => {
    expect(llmPrometheus(new LlmStats())).toBe('');
  });

  it('exposes counters per name and model and cumulative TTFT and E2E histograms', () => {
    const stats = steadyRun();
    stats.record(finished(120, { ttft: 2000, e2e: 45_000, model: 'm' }));
    stats.record(finished(120, { model: 'a "quoted"\nmodel' }));
    const text = llmPrometheus(stats);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('# TYPE locusta_llm_requests_total counter\n');
    expect(text).toContain('locusta_llm_requests_total{name="chat",model="m"} 21\n');
    expect(text).toContain('locusta_llm_shed_total{name="chat",model="n"} 10\n');
    expect(text).toContain('locusta_llm_output_tokens_total{name="chat",model="m"} 168\n');
    expect(text).toContain('locusta_llm_input_tokens_total{name="chat",model="m"} 63\n');
    expect(text).toContain('locusta_llm_requests_total{name="chat",model="a \\"quoted\\"\\nmodel"} 1\n');
    expect(text).not.toContain('Aggregated');
    expect(text).toContain('# TYPE locusta_llm_ttft_seconds histogram\n');

    const buckets = (metric: string, model: string) =>
      [...text.matchAll(new RegExp(`^${metric}_bucket\\{name="chat",model="${model}",le="([^"]+)"\\} (\\d+)$`, 'gm'))].map((m) => [m[1], Number(m[2])]);
    const ttft = buckets('locusta_llm_ttft_seconds', 'm');
    expect(ttft.map(([le]) => le)).toEqual([...LLM_LATENCY_BUCKETS.map(String), '+Inf']);
    // 20 TTFTs of 100 ms and one of 2 s.
    expect(Object.fromEntries(ttft)).toMatchObject({ '0.05': 0, '0.1': 20, '1': 20, '2.5': 21, '+Inf': 21 });
    expect(Object.fromEntries(buckets('locusta_llm_e2e_seconds', 'm'))).toMatchObject({ '0.25': 0, '0.5': 20, '30': 20, '60': 21, '+Inf': 21 });
    expect(text).toContain('locusta_llm_ttft_seconds_count{name="chat",model="m"} 21\n');
    const sum = Number(/^locusta_llm_ttft_seconds_sum\{name="chat",model="m"\} (\S+)$/m.exec(text)![1]);
    expect(sum).toBeCloseTo(4, 2);
    // Shed requests have no latencies: empty histograms.
    expect(text).toContain('locusta_llm_e2e_seconds_count{name="chat",model="n"} 0\n');
  });
});
