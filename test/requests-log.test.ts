import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { startServer, tempDir, waitUntil } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, finalSummary, readCsv, startLocusta } from './helpers.ts';

const LLM_EXAMPLE = join(ROOT, 'examples/llm-streaming/locustfile.ts');

interface Line {
  start_ms: number;
  type: string;
  name: string;
  status: number | null;
  success: boolean;
  error: string | null;
  response_time_ms: number;
  worker: string;
  model?: string;
  ttft_ms?: number;
  e2e_ms?: number;
  input_tokens?: number;
  output_tokens?: number;
  answer_ttft_ms?: number;
  reasoning_tokens?: number;
  token_source?: string;
}

/** Every line of the log, parsed: a line that is not JSON fails the test here. */
function readLog(file: string): Line[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

const MODES = [['local'], ['--processes 2']] as const;
const modeArgs = (mode: string) => (mode === 'local' ? [] : ['--processes', '2', '--master-bind-port', '0']);

describe('--requests-log', () => {
  it.each(MODES)('writes one line per request the server received (%s)', async (mode) => {
    const server = await startServer();
    const file = join(tempDir(), 'requests.jsonl');
    const args = ['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '20', '-t', '2', '-s', '5', '--requests-log', file];
    const r = await startLocusta([...args, ...modeArgs(mode)]).done;
    expect(r.code).toBe(0);
    const lines = readLog(file);
    expect(lines.length).toBe(server.total());
    expect(lines.length).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    expect(r.stderr).toContain(`Requests log: ${lines.length} lines written to ${file}`);
    for (const line of lines) {
      expect(line.type).toBe('GET');
      expect(['/hello', '/item/[id]']).toContain(line.name);
      expect(line.status).toBe(200);
      expect(line.success).toBe(true);
      expect(line.error).toBeNull();
      expect(line.response_time_ms).toBeGreaterThanOrEqual(0);
      expect(line.start_ms).toBeGreaterThan(Date.now() - 120_000);
      expect(line.worker).toMatch(/:\d+$/);
      expect(line.model).toBeUndefined();
    }
    // Each process that made requests is named: the master's two workers, or the local process.
    expect(new Set(lines.map((l) => l.worker)).size).toBe(mode === 'local' ? 1 : 2);
  });

  it('logs failures with status 0 and the error of a transport failure', async () => {
    const file = join(tempDir(), 'requests.jsonl');
    const r = await startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', '--headless', '-u', '1', '-r', '1', '-t', '1', '--requests-log', file]).done;
    expect(r.code).toBe(1);
    const lines = readLog(file);
    expect(lines.length).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.status).toBe(0);
      expect(line.success).toBe(false);
      expect(line.error).toMatch(/ECONNREFUSED/);
    }
  });

  it.each(MODES)('carries the TTFT and tokens of each generation, summing to the LLM CSV totals (%s)', async (mode) => {
    const server = await createMockServer({ port: 0, speed: 200, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const file = join(dir, 'requests.jsonl');
    const args = ['-f', LLM_EXAMPLE, '-H', server.url, '--headless', '-u', '6', '-r', '20', '-t', '3', '-s', '20', '--csv', join(dir, 'run'), '--requests-log', file];
    const r = await startLocusta([...args, ...modeArgs(mode)]).done;
    expect(r.code).toBe(0);
    const lines = readLog(file);
    const counters = server.counters();
    expect(lines.length).toBe(counters.requests);
    const rows = readCsv(join(dir, 'run_llm.csv'));
    const header = rows[0]!;
    const total = rows.find((row) => row[header.indexOf('Name')] === 'Aggregated')!;
    const sum = (key: 'output_tokens' | 'input_tokens') => lines.reduce((a, l) => a + (l[key] ?? 0), 0);
    expect(sum('output_tokens')).toBe(Number(total[header.indexOf('Output tokens')]));
    expect(sum('output_tokens')).toBe(counters.completionTokens);
    expect(sum('input_tokens')).toBe(Number(total[header.indexOf('Input tokens')]));
    for (const line of lines) {
      expect(line.type).toBe('POST');
      expect(line.name).toBe(`chat ${line.model}`);
      expect(line.status).toBe(200);
      // Streamed: the first token came, before the end of the stream.
      expect(line.ttft_ms).toBeGreaterThan(0);
      expect(line.ttft_ms).toBeLessThanOrEqual(line.e2e_ms!);
    }
  });

  it.each([
    ['examples/ollama', 'local', 'POST /api/chat'],
    ['examples/ollama', '--processes 2', 'POST /api/chat'],
    ['examples/llamacpp', 'local', 'POST /completion'],
  ])("carries the TTFT and tokens of each generation of %s's native API, summing to the LLM CSV totals (%s)", async (example, mode, route) => {
    const server = await createMockServer({ port: 0, speed: 100, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const file = join(dir, 'requests.jsonl');
    const args = ['-f', join(ROOT, example, 'locustfile.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '20', '-t', '2', '-s', '20', '--csv', join(dir, 'run'), '--requests-log', file];
    const r = await startLocusta([...args, ...modeArgs(mode)]).done;
    expect(r.code).toBe(0);
    const lines = readLog(file);
    const counters = server.counters();
    expect(lines.length).toBe(counters.requests);
    const generations = lines.filter((l) => l.e2e_ms !== undefined);
    expect(generations.length).toBe(counters.byRoute[route]![200]);
    const rows = readCsv(join(dir, 'run_llm.csv'));
    const header = rows[0]!;
    const total = rows.find((row) => row[header.indexOf('Name')] === 'Aggregated')!;
    const sum = (key: 'output_tokens' | 'input_tokens' | 'reasoning_tokens') => generations.reduce((a, l) => a + l[key]!, 0);
    expect(sum('output_tokens')).toBe(counters.completionTokens);
    expect(sum('output_tokens')).toBe(Number(total[header.indexOf('Output tokens')]));
    expect(sum('input_tokens')).toBe(Number(total[header.indexOf('Input tokens')]));
    expect(sum('reasoning_tokens')).toBe(counters.reasoningTokens);
    expect(sum('reasoning_tokens')).toBe(Number(total[header.indexOf('Reasoning tokens')]));
    for (const line of generations) {
      expect(line.status).toBe(200);
      expect(typeof line.model).toBe('string');
      expect(line.token_source).toBe('usage');
      // Streamed: the first token came before the answer's first, both before the end.
      expect(line.ttft_ms).toBeGreaterThan(0);
      expect(line.ttft_ms).toBeLessThanOrEqual(line.answer_ttft_ms!);
      expect(line.answer_ttft_ms).toBeLessThanOrEqual(line.e2e_ms!);
    }
    // Ollama's embeddings are no generation: their lines have no LLM fields.
    for (const line of lines.filter((l) => l.name === '/api/embed')) expect(line.model).toBeUndefined();
  });

  it.each(MODES)('leaves a complete file when stopped by SIGINT mid-run (%s)', async (mode) => {
    const server = await startServer();
    const file = join(tempDir(), 'requests.jsonl');
    const args = ['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '20', '-t', '60', '-s', '5', '--requests-log', file];
    const run = startLocusta([...args, ...modeArgs(mode)]);
    await waitUntil(() => server.total() >= 40, 30_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    const lines = readLog(file);
    expect(lines.length).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    expect(lines.length).toBe(server.total());
  });

  it('stays complete when a worker is killed mid-run: its unreported lines go as its unreported statistics do', async () => {
    const server = await startServer();
    const file = join(tempDir(), 'requests.jsonl');
    const args = ['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '20', '-t', '60', '-s', '5', '--requests-log', file];
    const run = startLocusta([...args, ...modeArgs('--processes 2')]);
    await waitUntil(() => server.total() >= 40, 30_000);
    // The master's forked workers are its children.
    const children = readFileSync(`/proc/${run.child.pid}/task/${run.child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const workers = children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--worker'));
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    await run.waitFor(/lost|missing/i);
    await waitUntil(() => server.total() >= 120, 30_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    const lines = readLog(file);
    expect(lines.length).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('refuses a file that cannot be written before the run, naming the option', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken'));
    const r = await startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', '--headless', '-t', '1', '--requests-log', join(dir, 'taken')]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("locusta: error: argument --requests-log: cannot write");
    expect(r.stderr).toContain('it is a directory');
  });
});

describe('--json with LLM requests', () => {
  it("keeps stdout Locust's one array of entries; the LLM family is in NAME_llm.json", async () => {
    const server = await createMockServer({ port: 0, speed: 200, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const args = ['-f', LLM_EXAMPLE, '-H', server.url, '--headless', '-u', '2', '-r', '20', '-t', '2', '-s', '20', '--only-summary', '--json', '--json-file', join(dir, 'run')];
    const r = await startLocusta(args).done;
    expect(r.code).toBe(0);
    const stdout = JSON.parse(r.stdout) as Array<{ name: string; num_requests: number }>;
    expect(Array.isArray(stdout)).toBe(true);
    const requests = stdout.reduce((a, e) => a + e.num_requests, 0);
    expect(requests).toBe(server.counters().requests);
    const llm = JSON.parse(readFileSync(join(dir, 'run_llm.json'), 'utf8')) as { rows: Array<Record<string, unknown>> };
    const total = llm.rows.find((row) => row['Name'] === 'Aggregated')!;
    expect(total['Requests']).toBe(requests);
    expect(total['Output tokens']).toBe(server.counters().completionTokens);
  });
});
