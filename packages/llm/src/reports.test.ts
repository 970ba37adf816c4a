import { describe, expect, it } from 'vitest';
import { LLM_CSV_HEADER, llmCsv } from './llm-csv.ts';
import { llmReportSection } from './llm-report-section.ts';
import { LlmStats } from './llm-stats.ts';
import { formatLlmTable } from './llm-table.ts';

function stats(goodput = false): LlmStats {
  const s = new LlmStats(goodput ? { ttft: 200 } : undefined);
  s.record({ name: '/v1/chat/completions', model: 'small', outcome: 'success', startTime: 0, e2e: 500, ttft: 100, itl: [20, 30], inputTokens: 10, outputTokens: 3, tokenSource: 'usage' });
  s.record({ name: '/v1/chat/completions', model: 'small', outcome: 'shed', retryAfter: true, startTime: 100, e2e: 2, tokenSource: 'none' });
  s.record({ name: 'chat "quoted", <b>', model: '<script>alert(1)</script>', outcome: 'success', startTime: 0, e2e: 1000, inputTokens: 5, outputTokens: 9, tokenSource: 'usage' });
  return s;
}

describe('formatLlmTable', () => {
  it('prints a row per endpoint and model, then Aggregated', () => {
    const lines = formatLlmTable(stats()).split('\n');
    expect(lines[0]).toContain('LLM metrics');
    expect(lines[1]).toMatch(/^Name +Model +# reqs +# shed +# fails +TTFT p50/);
    const rows = lines.slice(3).filter((l) => l !== '' && !/^-/.test(l));
    expect(rows.map((r) => r.split(/ {2,}/)[0])).toEqual(['/v1/chat/completions', 'chat "quoted", <b>', 'Aggregated']);
    expect(rows[0]).toMatch(/ 2 +1 +0 +100 +100 +100 +20\.0 +30\.0 /);
    expect(formatLlmTable(new LlmStats())).toBe('');
  });
  it('adds the goodput columns and bounds when set', () => {
    const text = formatLlmTable(stats(true));
    expect(text).toContain('goodput %');
    expect(text).toContain('goodput: ttft:200');
  });
});

describe('llmCsv', () => {
  it('has the documented header and one quoted row per entry, N/A for empty metrics', () => {
    const lines = llmCsv(stats()).split('\r\n');
    expect(lines[0]).toBe(LLM_CSV_HEADER.join(','));
    expect(lines[0]).toContain('Goodput (req/s)');
    expect(lines.length).toBe(5); // header, 2 entries, Aggregated, trailing ''
    expect(lines[2]).toMatch(/^"chat ""quoted"", <b>",<script>alert\(1\)<\/script>,1,1,0,0,0,N\/A,/);
    expect(lines[3]).toMatch(/^Aggregated,,3,2,1,1,0,/);
    // Without goodput bounds the goodput fields are empty.
    expect(lines[3]).toMatch(/,,,$/);
  });
});

describe('llmReportSection', () => {
  it('escapes names and models', () => {
    const section = llmReportSection(stats(true));
    expect(section.title).toBe('LLM metrics');
    expect(section.html).not.toContain('<script>');
    expect(section.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(section.html).toContain('chat &quot;quoted&quot;, &lt;b&gt;');
    expect(section.html).toContain('<th>Goodput ratio</th>');
  });
});
