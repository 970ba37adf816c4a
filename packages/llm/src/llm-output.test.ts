import { describe, expect, it } from 'vitest';
import { llmCsv } from './llm-csv.ts';
import { llmOutput } from './llm-output.ts';
import { LlmStats } from './llm-stats.ts';
import { formatLlmTable } from './llm-table.ts';

function recorded(): LlmStats {
  const s = new LlmStats({ ttft: 200 });
  s.record({ name: 'chat', model: 'small', outcome: 'success', startTime: 0, e2e: 500, ttft: 100, inputTokens: 10, outputTokens: 3, tokenSource: 'usage' });
  s.record({ name: 'chat', model: 'small', outcome: 'shed', startTime: 100, e2e: 2, tokenSource: 'none' });
  return s;
}

describe('llmOutput: the LLM metrics as an output family', () => {
  it('has no files, section or JSON before an LLM request, and an empty web table', () => {
    const out = llmOutput(new LlmStats());
    expect(out.name).toBe('llm');
    expect(out.consoleTable?.()).toBe('');
    expect(out.csvFiles?.()).toEqual([]);
    expect(out.historyCsv?.rows({ fullHistory: false })).toBe('');
    expect(out.htmlSection?.()).toBeUndefined();
    expect(out.prometheus?.()).toBe('');
    expect(out.json?.()).toBeUndefined();
    expect(out.takeReport?.()).toBeUndefined();
    expect(out.webTable?.()).toMatchObject({ id: 'llm', title: 'LLM metrics', rows: [], lastRowIsTotal: true });
  });

  it('renders what the LLM reports render, and JSON with the CSV columns unrounded', () => {
    const stats = recorded();
    const out = llmOutput(stats);
    expect(llmOutput(stats)).toBe(out);
    expect(out.consoleTable?.()).toBe(formatLlmTable(stats));
    expect(out.csvFiles?.()).toEqual([{ suffix: 'llm', content: llmCsv(stats) }]);
    expect(out.historyCsv?.suffix).toBe('llm_history');
    expect(out.htmlSection?.()?.title).toBe('LLM metrics');
    expect(out.prometheus?.()).toContain('locusta_llm_requests_total{name="chat",model="small"} 2');
    const json = out.json?.() as { goodput: string; rows: Array<Record<string, unknown>> };
    expect(json.goodput).toBe('ttft:200');
    expect(json.rows.map((r) => [r['Name'], r['Requests'], r['Shed'], r['TTFT p50 (ms)'], r['Good requests']])).toEqual([
      ['chat', 2, 1, expect.closeTo(100, 0), 1],
      ['Aggregated', 2, 1, expect.closeTo(100, 0), 1],
    ]);
  });

  it('hands a worker report once, checks and merges it on a master, and resets', () => {
    const worker = recorded();
    const part = llmOutput(worker).takeReport?.();
    expect(worker.total.requests).toBe(0);
    const master = new LlmStats();
    const out = llmOutput(master);
    expect(out.checkReport?.(part)).toBeUndefined();
    expect(out.checkReport?.({ entries: 'x' })).toBe('entries: expected an array of at most 10000');
    out.merge?.(part);
    out.merge?.({ nonsense: true });
    expect(master.total.requests).toBe(2);
    out.reset?.();
    expect(master.total.requests).toBe(0);
  });
});
