import { describe, expect, it } from 'vitest';
import { LlmStats } from './llm-stats.ts';
import type { OllamaFinal } from './ollama-chunks.ts';
import { OLLAMA_FAMILY, ollamaOutput } from './ollama-output.ts';
import { ServerTimingsStats, checkServerTimings } from './server-timings.ts';

const newStats = () => new ServerTimingsStats(OLLAMA_FAMILY.fields);
const checkOllamaReport = (v: unknown) => checkServerTimings(OLLAMA_FAMILY.fields as never, v);

const final = (ms: number): OllamaFinal => ({
  done_reason: 'stop',
  total_duration: ms * 4e6,
  load_duration: ms * 1e6,
  prompt_eval_count: 10,
  prompt_eval_cached_count: undefined,
  prompt_eval_duration: ms * 1e6,
  eval_count: 20,
  eval_duration: ms * 2e6,
});

describe('ServerTimingsStats with Ollama\'s fields', () => {
  it('records the server durations in ms per (name, model) and in Aggregated', () => {
    const stats = newStats();
    stats.record('/api/chat', 'qwen3:8b', final(10));
    stats.record('/api/chat', 'qwen3:8b', final(10));
    stats.record('/api/generate', 'llama3.2:1b', { ...final(5), load_duration: undefined });
    expect(stats.entries().map((e) => [e.name, e.model, e.requests])).toEqual([
      ['/api/chat', 'qwen3:8b', 2],
      ['/api/generate', 'llama3.2:1b', 1],
    ]);
    expect(stats.total.requests).toBe(3);
    expect(stats.entries()[0]!.value('total', 0.5)).toBeCloseTo(40, 1);
    expect(stats.entries()[0]!.value('eval', 0.5)).toBeCloseTo(20, 1);
    // A duration the server left out is not a zero.
    expect(stats.entries()[1]!.count('load')).toBe(0);
    expect(stats.entries()[1]!.value('load', 0.5)).toBeNull();
  });

  it('merges workers parts as if one process had recorded them', () => {
    const a = newStats();
    const b = newStats();
    const one = newStats();
    for (let i = 1; i <= 20; i++) {
      (i % 2 ? a : b).record('/api/chat', 'm', final(i));
      one.record('/api/chat', 'm', final(i));
    }
    const master = newStats();
    for (const part of [a.serialize(), b.serialize()]) {
      expect(checkOllamaReport(part)).toBeUndefined();
      master.merge(part);
    }
    expect(master.total.requests).toBe(20);
    expect(master.total.count('total')).toBe(20);
    for (const p of [0.5, 0.95, 0.99]) expect(master.total.value('total', p)).toBe(one.total.value('total', p));
  });

  it.each([
    ['not an object', 3, 'expected an object'],
    ['no entries', {}, 'entries: expected an array'],
    ['a bad name', { entries: [{ name: 1, model: '', requests: 0, histograms: { load: [], promptEval: [], eval: [], total: [] }, sums: { load: 0, promptEval: 0, eval: 0, total: 0 } }] }, 'entries[0].name'],
    ['a negative count', { entries: [{ name: 'a', model: '', requests: -1, histograms: { load: [], promptEval: [], eval: [], total: [] }, sums: { load: 0, promptEval: 0, eval: 0, total: 0 } }] }, 'entries[0].requests'],
    ['bad buckets', { entries: [{ name: 'a', model: '', requests: 1, histograms: { load: [1], promptEval: [], eval: [], total: [] }, sums: { load: 0, promptEval: 0, eval: 0, total: 0 } }] }, 'entries[0].histograms.load'],
    ['more samples than requests', { entries: [{ name: 'a', model: '', requests: 1, histograms: { load: [], promptEval: [], eval: [], total: [5, 2] }, sums: { load: 0, promptEval: 0, eval: 0, total: 0 } }] }, 'more than requests'],
    ['a missing sum', { entries: [{ name: 'a', model: '', requests: 0, histograms: { load: [], promptEval: [], eval: [], total: [] }, sums: { load: 0, promptEval: 0, eval: 0 } }] }, 'entries[0].sums.total'],
    ['a negative sum', { entries: [{ name: 'a', model: '', requests: 0, histograms: { load: [], promptEval: [], eval: [], total: [] }, sums: { load: -1, promptEval: 0, eval: 0, total: 0 } }] }, 'entries[0].sums.load'],
  ])('refuses a worker part with %s', (_name, part, why) => {
    expect(checkOllamaReport(part)).toContain(why);
  });
});

describe('ollamaOutput', () => {
  it('shows nothing before an answer with timings, then the server timings beside the client TTFT and E2E', () => {
    const stats = newStats();
    const llm = new LlmStats();
    const out = ollamaOutput(stats, llm);
    expect(out.consoleTable!()).toBe('');
    expect(out.csvFiles!()).toEqual([]);
    expect(out.takeReport!()).toBeUndefined();
    llm.record({ name: '/api/chat', model: 'm', outcome: 'success', startTime: 0, e2e: 50, ttft: 12, tokenSource: 'usage', outputTokens: 20 });
    stats.record('/api/chat', 'm', final(10));
    const [csv] = out.csvFiles!();
    expect(csv!.suffix).toBe('ollama');
    const [header, row, total] = csv!.content.trim().split('\r\n');
    expect(header).toContain('Server total p50 (ms)');
    expect(header).toContain('Client E2E p50 (ms)');
    expect(row!.startsWith('/api/chat,m,1,')).toBe(true);
    expect(total!.startsWith('Aggregated,,1,')).toBe(true);
    expect(out.consoleTable!()).toContain('Ollama server timings');
    expect(out.prometheus!()).toContain('locusta_ollama_server_seconds_count{name="/api/chat",model="m",phase="total"} 1');
    const json = out.json!() as { rows: Array<Record<string, unknown>> };
    expect(json.rows[0]!['Client TTFT p50 (ms)']).toBeCloseTo(12, 1);
    // A worker sends its part and starts over.
    const part = out.takeReport!();
    expect(checkOllamaReport(part)).toBeUndefined();
    expect(stats.total.requests).toBe(0);
  });
});
