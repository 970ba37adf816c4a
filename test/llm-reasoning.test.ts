import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import type { ReasoningField } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, readCsv, startLocusta } from './helpers.ts';

// The mock's schedule with --fixed-latency-ms: the first token at 20% of it, the other 49 of a
// 50-token answer evenly over the rest. 3062.5 ms makes the first token come at 612.5 ms and
// then one every 50 ms: 40 reasoning tokens (612.5 ms to 2562.5 ms), then 10 of the answer.
const FIXED_MS = 3062.5;
const FIRST_MS = FIXED_MS * 0.2;
const GAP_MS = (FIXED_MS - FIRST_MS) / 49;
const REASONING = 40;

describe('a reasoning model from the CLI (mock server in reasoning mode)', () => {
  it.each<[string, ReasoningField, boolean]>([
    ['local, usage with reasoning_tokens', 'reasoning_content', false],
    ['distributed, no usage: reasoning chunks counted', 'reasoning', true],
  ])('times the first reasoning token as TTFT and the first answer token apart (%s)', async (mode, field, withoutUsage) => {
    const server = await createMockServer({ port: 0, fixedLatencyMs: FIXED_MS, reasoningTokens: REASONING, reasoningField: field, capacity: 64 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const args = ['-f', join(FIXTURES, 'reasoning-chat.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '2', '-s', '20', '--csv', join(dir, 'run')];
    if (withoutUsage) args.push('--without-usage');
    if (mode.startsWith('distributed')) args.push('--processes', '2', '--master-bind-port', '0');
    const r = await startLocusta(args).done;
    expect(r.code).toBe(0);

    const rows = readCsv(join(dir, 'run_llm.csv'));
    const header = rows[0]!;
    const total = rows.find((row) => row[header.indexOf('Name')] === 'Aggregated')!;
    const at = (name: string) => Number(total[header.indexOf(name)]);
    const counters = server.counters();
    const requests = at('Requests');
    expect(requests).toBeGreaterThanOrEqual(2);
    expect([at('Successes'), at('Failures')]).toEqual([requests, 0]);
    expect(counters.streams.completed).toBe(requests);

    // Every token the server sent counted, split as the server split it.
    expect(at('Output tokens')).toBe(counters.completionTokens);
    expect(at('Reasoning tokens')).toBe(counters.reasoningTokens);
    expect(at('Reasoning tokens')).toBe(REASONING * requests);
    expect(at('Answer tokens')).toBe(counters.completionTokens - counters.reasoningTokens);
    expect(total[header.indexOf('Token source')]).toBe(withoutUsage ? 'chunks' : 'usage');

    // TTFT is the first reasoning token: the server sends nothing before FIRST_MS, and the
    // answer's first token comes 40 gaps later.
    const ttft = at('TTFT p50 (ms)');
    const answerTtft = at('Answer TTFT p50 (ms)');
    expect(ttft).toBeGreaterThanOrEqual(FIRST_MS * 0.95);
    expect(answerTtft - ttft).toBeGreaterThanOrEqual(0.8 * REASONING * GAP_MS);
    // TPOT over all 50 tokens is the server's gap, not (e2e - answer TTFT) / 49.
    const tpot = at('TPOT p50 (ms)');
    expect(tpot).toBeGreaterThanOrEqual(0.5 * GAP_MS);
    expect(tpot).toBeLessThanOrEqual(2 * GAP_MS);

    // The console summary shows the answer TTFT and the reasoning tokens of such a run.
    expect(r.stderr).toMatch(/TTFT p99 +ans TTFT p50 +ITL p50/);
    expect(r.stderr).toMatch(/tok out +tok reason/);
  });
});
