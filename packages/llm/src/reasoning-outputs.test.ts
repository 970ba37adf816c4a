import { describe, expect, it } from 'vitest';
import { LLM_CSV_HEADER, llmCsv } from './llm-csv.ts';
import { LLM_HISTORY_CSV_HEADER, LlmHistoryCsv } from './llm-history-csv.ts';
import { llmJson } from './llm-json.ts';
import { llmPrometheus } from './llm-prometheus.ts';
import { llmReportSection } from './llm-report-section.ts';
import { LlmStats } from './llm-stats.ts';
import { llmTableData } from './llm-table-data.ts';
import { formatLlmTable } from './llm-table.ts';

/** A reasoning model's answer: 40 reasoning chunks then 10 content chunks, from 200 ms, 20 ms apart. */
function reasoningRun(): LlmStats {
  const stats = new LlmStats();
  const itl = Array.from({ length: 49 }, () => 20);
  stats.record({
    name: 'chat', model: 'r1', outcome: 'success', startTime: 1_000_000, e2e: 1180, ttft: 200, answerTtft: 1000, itl,
    inputTokens: 5, outputTokens: 50, reasoningTokens: 40, tokenSource: 'usage',
  });
  return stats;
}

describe('the reasoning columns in every LLM output', () => {
  it('PREFIX_llm.csv and JSON: answer TTFT after the TTFT ones, reasoning and answer tokens after output tokens', () => {
    const header = [...LLM_CSV_HEADER];
    expect(header.slice(header.indexOf('TTFT p99 (ms)'), header.indexOf('ITL p50 (ms)') + 1)).toEqual([
      'TTFT p99 (ms)', 'Answer TTFT p50 (ms)', 'Answer TTFT p99 (ms)', 'ITL p50 (ms)',
    ]);
    expect(header.slice(header.indexOf('Output tokens'), header.indexOf('Token source') + 1)).toEqual([
      'Output tokens', 'Reasoning tokens', 'Answer tokens', 'Token source',
    ]);
    const rows = llmCsv(reasoningRun()).split('\r\n').map((l) => l.split(','));
    const total = rows.find((r) => r[0] === 'Aggregated')!;
    const at = (h: string) => Number(total[header.indexOf(h)]);
    expect(at('TTFT p50 (ms)')).toBeCloseTo(200, 0);
    expect(at('Answer TTFT p50 (ms)')).toBeCloseTo(1000, -1);
    expect(at('TPOT p50 (ms)')).toBeCloseTo(20, 1);
    expect([at('Output tokens'), at('Reasoning tokens'), at('Answer tokens')]).toEqual([50, 40, 10]);
    const json = llmJson(reasoningRun()).rows.at(-1)!;
    expect([json['Reasoning tokens'], json['Answer tokens']]).toEqual([40, 10]);
  });

  it('the console table shows answer TTFT and reasoning tokens only when some answer reasoned', () => {
    expect(formatLlmTable(reasoningRun())).toMatch(/TTFT p99 +ans TTFT p50 +ITL p50 .* tok out +tok reason +source/);
    const plain = new LlmStats();
    plain.record({ name: 'chat', model: 'm', outcome: 'success', startTime: 0, e2e: 100, ttft: 10, answerTtft: 10, outputTokens: 3, reasoningTokens: 0, tokenSource: 'usage' });
    expect(formatLlmTable(plain)).not.toContain('ans TTFT');
    expect(formatLlmTable(plain)).not.toContain('tok reason');
  });

  it('the web UI table, the history CSV, the HTML section and /metrics', () => {
    const stats = reasoningRun();
    const data = llmTableData(stats);
    const total = data.rows.at(-1)!;
    expect(total[data.columns.indexOf('Answer TTFT p50 (ms)')]).toBeCloseTo(1000, -1);
    expect(total[data.columns.indexOf('Reasoning tokens')]).toBe(40);
    const history = new LlmHistoryCsv().rows(stats, 1_002_000).trim().split(',');
    expect(LLM_HISTORY_CSV_HEADER.slice(-4)).toEqual(['Total Answer TTFT p50 (ms)', 'Total Reasoning tokens', 'Total Cached tokens', 'Total Usage mismatches']);
    expect(Number(history.at(-4))).toBeCloseTo(1000, -1);
    expect(history.at(-3)).toBe('40');
    expect(llmReportSection(stats).html).toContain('<th>Answer TTFT p50 (ms)</th>');
    const text = llmPrometheus(stats);
    expect(text).toContain('locusta_llm_reasoning_tokens_total{name="chat",model="r1"} 40\n');
    expect(text).toContain('locusta_llm_answer_tokens_total{name="chat",model="r1"} 10\n');
    expect(text).toContain('# TYPE locusta_llm_answer_ttft_seconds histogram\n');
    expect(text).toMatch(/^locusta_llm_answer_ttft_seconds_bucket\{name="chat",model="r1",le="0.5"\} 0$/m);
    expect(text).toMatch(/^locusta_llm_answer_ttft_seconds_bucket\{name="chat",model="r1",le="1"\} 1$/m);
    expect(text).toMatch(/^locusta_llm_ttft_seconds_bucket\{name="chat",model="r1",le="0.25"\} 1$/m);
  });
});
