import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, finalSummary, readCsv, startLocusta } from './helpers.ts';

const EXAMPLE = join(ROOT, 'examples/ollama/locustfile.ts');

describe("OllamaUser from the CLI (a thinking model on Ollama's native API, against the mock server)", () => {
  it.each([['local'], ['distributed']])('records every request and exactly the eval_count tokens the server sent (%s)', async (mode) => {
    const server = await createMockServer({ port: 0, speed: 40, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const common = ['-f', EXAMPLE, '-H', server.url, '--headless', '-u', '6', '-r', '20', '-t', '3', '-s', '20', '--csv', join(dir, 'run')];
    const r = await (mode === 'local' ? startLocusta(common) : startLocusta([...common, '--processes', '2', '--master-bind-port', '0'])).done;
    expect(r.code).toBe(0);
    const counters = server.counters();
    const summary = finalSummary(r.stderr);
    // Every request the server answered is in the request statistics, and none failed.
    expect(summary.get('Aggregated')!.requests).toBe(counters.requests);
    expect(summary.get('Aggregated')!.failures).toBe(0);
    const chats = counters.byRoute['POST /api/chat']![200]!;
    expect(chats).toBeGreaterThan(0);
    expect(summary.get('POST chat qwen3:8b')!.requests).toBe(chats);

    const rows = readCsv(join(dir, 'run_llm.csv'));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const total = rows.find((row) => row[col('Name')] === 'Aggregated')!;
    expect(Number(total[col('Requests')])).toBe(chats);
    // With -s every stream finishes: the output tokens are the eval_count the server sent, thinking included.
    expect(Number(total[col('Output tokens')])).toBe(counters.completionTokens);
    expect(Number(total[col('Input tokens')])).toBe(counters.promptTokens);
    expect(total[col('Token source')]).toBe('usage');
    expect(Number(total[col('TTFT p50 (ms)')])).toBeGreaterThan(0);
    expect(Number(total[col('TTFT p50 (ms)')])).toBeLessThan(Number(total[col('E2E p50 (ms)')]));

    // The server's own timings, merged across workers: one sample per answer.
    const timings = readCsv(join(dir, 'run_ollama.csv'));
    const scol = (name: string) => timings[0]!.indexOf(name);
    const agg = timings.find((row) => row[scol('Name')] === 'Aggregated')!;
    expect(Number(agg[scol('Answers with timings')])).toBe(chats);
    const chatRow = timings.find((row) => row[scol('Name')] === 'chat qwen3:8b')!;
    expect(Number(chatRow[scol('Answers with timings')])).toBe(chats);
    // The server's total is part of what the client waited for.
    expect(Number(agg[scol('Server total p50 (ms)')])).toBeGreaterThan(0);
    expect(Number(agg[scol('Server total p50 (ms)')])).toBeLessThanOrEqual(Number(agg[scol('Client E2E p50 (ms)')]));
    expect(r.stderr).toContain('Ollama server timings');
  });
});
