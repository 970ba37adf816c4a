import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, finalSummary, readCsv, startLocusta } from './helpers.ts';

const EXAMPLE = join(ROOT, 'examples/llm-streaming/locustfile.ts');

describe('LLM token metrics from the CLI (streamed chat against the mock server)', () => {
  it.each([['local'], ['distributed']])('counts exactly the tokens the server sent and writes PREFIX_llm.csv (%s)', async (mode) => {
    const server = await createMockServer({ port: 0, speed: 40, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const common = ['-f', EXAMPLE, '-H', server.url, '--headless', '-u', '6', '-r', '20', '-t', '3', '-s', '20', '--csv', join(dir, 'run'), '--goodput', 'ttft:5000', 'e2e:60000'];
    const r = await (mode === 'local' ? startLocusta(common) : startLocusta([...common, '--processes', '2', '--master-bind-port', '0'])).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('LLM metrics');
    const rows = readCsv(join(dir, 'run_llm.csv'));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const total = rows.find((row) => row[col('Name')] === 'Aggregated')!;
    const counters = server.counters();
    // With -s every stream finishes: the client counted what the server says it sent.
    expect(Number(total[col('Output tokens')])).toBe(counters.completionTokens);
    expect(Number(total[col('Input tokens')])).toBe(counters.promptTokens);
    expect(total[col('Token source')]).toBe('usage');
    expect(Number(total[col('Requests')])).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    // The first token comes before the end of the stream.
    expect(Number(total[col('TTFT p50 (ms)')])).toBeGreaterThan(0);
    expect(Number(total[col('TTFT p50 (ms)')])).toBeLessThan(Number(total[col('E2E p50 (ms)')]));
    // Every request met the generous goodput bounds.
    expect(Number(total[col('Goodput ratio')])).toBe(100);
    // One row per model size, plus Aggregated.
    expect(rows.slice(1).map((row) => row[col('Model')]).filter(Boolean).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a bad --goodput with a one-line usage error', async () => {
    const r = await startLocusta(['-f', EXAMPLE, '-H', 'http://127.0.0.1:1', '--headless', '--goodput', 'ttfx:5']).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('argument --goodput:');
  });
});
