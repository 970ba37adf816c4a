import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, finalSummary, readCsv, startLocusta } from './helpers.ts';

const EXAMPLE = join(ROOT, 'examples/llamacpp/locustfile.ts');

describe("LlamaCppUser from the CLI (llama.cpp server's native /completion, against the mock server)", () => {
  it.each([['local'], ['distributed']])('records every request, the tokens and the timings the server sent (%s)', async (mode) => {
    const server = await createMockServer({ port: 0, speed: 40, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const common = ['-f', EXAMPLE, '-H', server.url, '--headless', '-u', '6', '-r', '20', '-t', '3', '-s', '20', '--csv', join(dir, 'run')];
    const r = await (mode === 'local' ? startLocusta(common) : startLocusta([...common, '--processes', '2', '--master-bind-port', '0'])).done;
    expect(r.code).toBe(0);
    const counters = server.counters();
    const summary = finalSummary(r.stderr);
    expect(summary.get('Aggregated')!.requests).toBe(counters.requests);
    expect(summary.get('Aggregated')!.failures).toBe(0);
    const answers = counters.byRoute['POST /completion']![200]!;
    expect(answers).toBeGreaterThan(0);
    expect(counters.streams.completed).toBe(answers);
    expect(summary.get('POST completion')!.requests).toBe(answers);

    const rows = readCsv(join(dir, 'run_llm.csv'));
    const col = (name: string) => rows[0]!.indexOf(name);
    const total = rows.find((row) => row[col('Name')] === 'Aggregated')!;
    expect(Number(total[col('Requests')])).toBe(answers);
    // With -s every stream finishes: the tokens are those the server sent and counted.
    expect(Number(total[col('Output tokens')])).toBe(counters.completionTokens);
    expect(Number(total[col('Input tokens')])).toBe(counters.promptTokens);
    expect(total[col('Token source')]).toBe('usage');
    const ttft = Number(total[col('TTFT p50 (ms)')]);
    const e2e = Number(total[col('E2E p50 (ms)')]);
    expect(ttft).toBeGreaterThan(0);
    expect(Number(total[col('TPOT p50 (ms)')])).toBeGreaterThan(0);
    expect(ttft).toBeLessThan(e2e);
    // /completion has no reasoning channel: answer TTFT is TTFT.
    expect(total[col('Answer TTFT p50 (ms)')]).toBe(total[col('TTFT p50 (ms)')]);

    // The server's own timings, merged across workers: one sample per answer.
    const timings = readCsv(join(dir, 'run_llamacpp.csv'));
    const scol = (name: string) => timings[0]!.indexOf(name);
    const agg = timings.find((row) => row[scol('Name')] === 'Aggregated')!;
    const entry = timings.find((row) => row[scol('Name')] === 'completion')!;
    expect(Number(agg[scol('Answers with timings')])).toBe(answers);
    expect(Number(entry[scol('Answers with timings')])).toBe(answers);
    // The counts the last chunks carried add up to what the mock sent.
    expect(Number(agg[scol('Server prompt tokens')])).toBe(counters.promptTokens);
    expect(Number(agg[scol('Server tokens evaluated')])).toBe(counters.promptTokens);
    expect(Number(agg[scol('Server predicted tokens')])).toBe(counters.completionTokens);
    // The server's prompt time is part of the client's TTFT, its generation part of the E2E.
    const promptMs = Number(agg[scol('Server prompt p50 (ms)')]);
    expect(promptMs).toBeGreaterThan(0);
    expect(promptMs).toBeLessThanOrEqual(ttft * 1.01);
    expect(Number(agg[scol('Server predicted p50 (ms)')])).toBeLessThanOrEqual(e2e * 1.01);
    expect(Number(agg[scol('Server predicted p50 (tok/s)')])).toBeGreaterThan(0);
    expect(r.stderr).toContain('llama.cpp server timings');
  });
});
