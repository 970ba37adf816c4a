import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTokenizer, loadTokenizer } from '@locusta/llm';
import { createMockServer } from '@locusta/mock-openai';
import type { MockServer, MockServerOptions } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, readCsv, runLocusta } from './helpers.ts';

const USER = join(FIXTURES, 'prompt-source-user.ts');
// A word-level tokenizer.json: every word of its vocabulary is one token, others are [UNK].
const WORD_TOKENIZER = join(FIXTURES, 'word-tokenizer.json');

async function mock(options: MockServerOptions): Promise<MockServer> {
  const server = await createMockServer({ port: 0, speed: 100, capacity: 64, jitter: 0, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** The Aggregated row of PREFIX_llm.csv, by header. */
function llmTotals(prefix: string): Record<string, string> {
  const rows = readCsv(`${prefix}_llm.csv`);
  const header = rows[0]!;
  const total = rows.find((row) => row[header.indexOf('Name')] === 'Aggregated')!;
  return Object.fromEntries(header.map((h, i) => [h, total[i]!]));
}

/** Successful answers the mock sent on a route. */
function answered(server: MockServer, route: string): number {
  return server.counters().byRoute[route]?.[200] ?? 0;
}

const RUN = ['-f', USER, '--headless', '-u', '3', '-r', '30', '-t', '2', '-s', '10'];


/**
 * N answers, each of a 40-token prompt and 8 output tokens by the server's own count, and the
 * LLM CSV's totals equal to those counts with no usage mismatch (the check ran: the summary says so).
 */
function expectExactTokens(server: MockServer, prefix: string, stderr: string, n: number): void {
  const counters = server.counters();
  expect(counters.promptTokens).toBe(40 * n);
  expect(counters.completionTokens).toBe(8 * n);
  const total = llmTotals(prefix);
  expect(Number(total['Successes'])).toBe(n);
  expect(Number(total['Input tokens'])).toBe(counters.promptTokens);
  expect(Number(total['Output tokens'])).toBe(counters.completionTokens);
  expect(total['Usage mismatches']).toBe('0');
  expect(stderr).toContain('usage !=');
}
describe('exact prompt tokens against the mock counting with the same tokenizer', () => {
  it.each([['local'], ['distributed']])('sends prompts of exactly --prompt-tokens tokens and answers of exactly --output-tokens with --ignore-eos (%s)', async (mode) => {
    const words = loadTokenizer(WORD_TOKENIZER);
    const server = await mock({ countTokens: (text) => words.count(text) });
    const prefix = join(tempDir(), 'run');
    const distributed = mode === 'distributed' ? ['--processes', '2', '--master-bind-port', '0'] : [];
    const r = await runLocusta([...RUN, ...distributed, '-H', server.url, '--csv', prefix, '--tokenizer', WORD_TOKENIZER, '--prompt-tokens', '40', '--output-tokens', '8', '--ignore-eos', 'PromptChatUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /v1/chat/completions');
    expect(n).toBeGreaterThan(3);
    // Every prompt the server received was 40 tokens of the tokenizer, every answer 8.
    expectExactTokens(server, prefix, r.stderr, n);
    expect(r.stderr).not.toContain('checked answers had token counts');
  });

  it('shares a prefix of exactly --prefix-tokens tokens and reports the cached tokens the mock reported', async () => {
    const o200k = defaultTokenizer();
    const server = await mock({ countTokens: (text) => o200k.count(text), prefixCache: true });
    const prefix = join(tempDir(), 'run');
    const json = join(tempDir(), 'out');
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', prefix, '--json-file', json, '--prefix-tokens', '300', '--prompt-tokens', '20', '--output-tokens', '4', '--seed', '4', 'PromptCompletionUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /v1/completions');
    expect(n).toBeGreaterThan(3);
    const counters = server.counters();
    expect(counters.promptTokens).toBe(320 * n);
    // Every prompt after the first found the shared prefix in the cache (and maybe a word more).
    expect(counters.cachedTokens).toBeGreaterThanOrEqual(300 * (n - 1));
    expect(counters.cachedTokens).toBeLessThan(320 * (n - 1));
    const total = llmTotals(prefix);
    expect(Number(total['Cached tokens'])).toBe(counters.cachedTokens);
    expect(Number(total['Input tokens'])).toBe(counters.promptTokens);
    expect(total['Usage mismatches']).toBe('0');
    const llmJson = JSON.parse(readFileSync(`${json}_llm.json`, 'utf8')) as { rows: Array<Record<string, unknown>> };
    expect(llmJson.rows.at(-1)).toMatchObject({ Name: 'Aggregated', 'Cached tokens': counters.cachedTokens, 'Usage mismatches': 0 });
    expect(r.stderr).toContain('tok cached');
    // The history's last row has the same totals.
    const [header, ...history] = readCsv(`${prefix}_llm_history.csv`);
    const last = history.at(-1)!;
    expect(Number(last[header!.indexOf('Total Cached tokens')])).toBe(counters.cachedTokens);
    expect(last[header!.indexOf('Total Usage mismatches')]).toBe('0');
  });

  it('samples a ShareGPT dataset, the recorded reply giving max_tokens', async () => {
    const o200k = defaultTokenizer();
    const server = await mock({ countTokens: (text) => o200k.count(text) });
    const dir = tempDir();
    const dataset = join(dir, 'sharegpt.json');
    const replies = ['Sending many requests at once, and timing them.', 'Hi!'];
    writeFileSync(dataset, JSON.stringify([
      { id: '1', conversations: [{ from: 'human', value: 'What is load testing?' }, { from: 'gpt', value: replies[0] }] },
      { id: '2', conversations: [{ from: 'human', value: 'Hello, world!' }, { from: 'gpt', value: replies[1] }] },
    ]));
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', join(dir, 'run'), '--dataset', dataset, 'PromptChatUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /v1/chat/completions');
    const total = llmTotals(join(dir, 'run'));
    expect(Number(total['Successes'])).toBe(n);
    expect(total['Usage mismatches']).toBe('0');
    // Each answer is at most its reply's tokens: the mock stops at max_tokens.
    const counters = server.counters();
    expect(counters.completionTokens).toBeLessThanOrEqual(n * Math.max(...replies.map((t) => o200k.count(t))));
    expect(counters.promptTokens).toBe(Number(total['Input tokens']));
  });
});

describe('usage that disagrees with the tokenizer', () => {
  it('is counted in the LLM outputs and named in the summary, not hidden', async () => {
    const words = loadTokenizer(WORD_TOKENIZER);
    // A server whose vocabulary splits every word in two.
    const server = await mock({ countTokens: (text) => 2 * words.count(text) });
    const dir = tempDir();
    const log = join(dir, 'requests.jsonl');
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', join(dir, 'run'), '--requests-log', log, '--tokenizer', WORD_TOKENIZER, '--prompt-tokens', '30', '--usage-tolerance', '10', 'PromptChatUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /v1/chat/completions');
    expect(n).toBeGreaterThan(0);
    const total = llmTotals(join(dir, 'run'));
    expect(Number(total['Usage mismatches'])).toBe(n);
    // Each request's line says what the tokenizer counted and what the server said.
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ok = lines.filter((l) => l['outcome'] === 'success');
    expect(ok).toHaveLength(n);
    for (const line of ok) expect(line).toMatchObject({ expected_input_tokens: 30, input_tokens: 60, usage_mismatch: true });
    expect(r.stderr).toContain(`usage: ${n} of ${n} checked answers had token counts the client disagrees with`);
  });

  it('is within the tolerance when the server adds a chat template', async () => {
    const words = loadTokenizer(WORD_TOKENIZER);
    // Five tokens of template around every chat.
    const server = await mock({ countTokens: (text) => words.count(text) + 5 });
    const dir = tempDir();
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', join(dir, 'run'), '--tokenizer', WORD_TOKENIZER, '--prompt-tokens', '30', '--usage-tolerance', '5', 'PromptChatUser']);
    expect(r.code).toBe(0);
    expect(llmTotals(join(dir, 'run'))['Usage mismatches']).toBe('0');
  });
});

describe("OllamaUser's prompts and usage check (Ollama's native API of the mock)", () => {
  it.each([['local'], ['distributed']])('sends prompts of exactly --prompt-tokens with num_predict = --output-tokens, and every count agrees (%s)', async (mode) => {
    const words = loadTokenizer(WORD_TOKENIZER);
    const server = await mock({ countTokens: (text) => words.count(text) });
    const prefix = join(tempDir(), 'run');
    const distributed = mode === 'distributed' ? ['--processes', '2', '--master-bind-port', '0'] : [];
    const r = await runLocusta([...RUN, ...distributed, '-H', server.url, '--csv', prefix, '--tokenizer', WORD_TOKENIZER, '--prompt-tokens', '40', '--output-tokens', '8', 'PromptOllamaChatUser', 'PromptOllamaGenerateUser']);
    expect(r.code).toBe(0);
    const chats = answered(server, 'POST /api/chat');
    const generations = answered(server, 'POST /api/generate');
    expect(chats).toBeGreaterThan(0);
    expect(generations).toBeGreaterThan(0);
    const n = chats + generations;
    // Every prompt was 40 tokens of the tokenizer; every answer stopped at num_predict.
    expectExactTokens(server, prefix, r.stderr, n);
  });

  it("counts prompt_eval_count of another vocabulary as mismatches, named in the summary", async () => {
    const words = loadTokenizer(WORD_TOKENIZER);
    const server = await mock({ countTokens: (text) => 2 * words.count(text) });
    const dir = tempDir();
    const log = join(dir, 'requests.jsonl');
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', join(dir, 'run'), '--requests-log', log, '--tokenizer', WORD_TOKENIZER, '--prompt-tokens', '30', '--usage-tolerance', '10', 'PromptOllamaChatUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /api/chat');
    expect(n).toBeGreaterThan(0);
    expect(Number(llmTotals(join(dir, 'run'))['Usage mismatches'])).toBe(n);
    const ok = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['outcome'] === 'success');
    expect(ok).toHaveLength(n);
    for (const line of ok) expect(line).toMatchObject({ expected_input_tokens: 30, input_tokens: 60, usage_mismatch: true });
    expect(r.stderr).toContain(`usage: ${n} of ${n} checked answers had token counts the client disagrees with`);
  });

  it.each([['whole'], ['evaluated']] as const)('a shared prefix served from the prompt cache is no mismatch (prompt_eval_count: %s)', async (promptCount) => {
    const o200k = defaultTokenizer();
    const server = await mock({ countTokens: (text) => o200k.count(text), prefixCache: true, ollamaPromptCount: promptCount });
    const dir = tempDir();
    const r = await runLocusta([...RUN, '-H', server.url, '--csv', join(dir, 'run'), '--prefix-tokens', '200', '--prompt-tokens', '10', '--output-tokens', '4', '--seed', '4', 'PromptOllamaGenerateUser']);
    expect(r.code).toBe(0);
    const n = answered(server, 'POST /api/generate');
    expect(n).toBeGreaterThan(3);
    const counters = server.counters();
    expect(counters.promptTokens).toBe(210 * n);
    expect(counters.cachedTokens).toBeGreaterThanOrEqual(200 * (n - 1));
    const total = llmTotals(join(dir, 'run'));
    expect(total['Usage mismatches']).toBe('0');
    if (promptCount === 'whole') {
      // prompt_eval_count is the whole prompt and prompt_eval_cached_count the cached part.
      expect(Number(total['Input tokens'])).toBe(counters.promptTokens);
      expect(Number(total['Cached tokens'])).toBe(counters.cachedTokens);
    } else {
      // Only the evaluated tokens are reported: the client does not invent the cached ones.
      expect(Number(total['Input tokens'])).toBe(counters.promptTokens - counters.cachedTokens);
      expect(Number(total['Cached tokens'] || 0)).toBe(0);
    }
  });
});

describe('bad token options', () => {
  const dir = tempDir();
  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{"model": ');
  const noModel = join(dir, 'no-model.json');
  writeFileSync(noModel, '{"vocab": {}}');
  const badModel = join(dir, 'bad-model.json');
  writeFileSync(badModel, '{"model": {"type": "NoSuchModel"}}');
  const noWords = join(dir, 'no-words.json');
  writeFileSync(noWords, JSON.stringify({ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } }));
  const badDataset = join(dir, 'bad.jsonl');
  writeFileSync(badDataset, '{"prompt": "a"}\n{oops\n');

  it.each([
    [['--tokenizer', join(dir, 'missing.json')], /^locusta: error: argument --tokenizer: cannot read '.*missing\.json': ENOENT$/],
    [['--tokenizer', notJson], /^locusta: error: argument --tokenizer: '.*not-json\.json' is not JSON$/],
    [['--tokenizer', noModel], /^locusta: error: argument --tokenizer: '.*no-model\.json' is not a tokenizer\.json \(no "model" object\)$/],
    [['--tokenizer', badModel], /^locusta: error: argument --tokenizer: '.*bad-model\.json' is not a tokenizer this build can load: /],
    [['--tokenizer', noWords, '--prompt-tokens', '8'], /^locusta: error: argument --tokenizer: the tokenizer .*no-words\.json has no single token for common English words/],
    [['--prompt-tokens', '0'], /^locusta: error: argument --prompt-tokens: invalid value '0'/],
    [['--prompt-tokens', 'many'], /^locusta: error: argument --prompt-tokens: invalid int value: 'many'$/],
    [['--prompt-tokens-dist', 'zipf:3'], /^locusta: error: argument --prompt-tokens-dist: invalid value 'zipf:3': expected fixed, uniform:MIN:MAX or normal:MEAN:SD$/],
    [['--prompt-tokens-dist', 'uniform:9:3'], /^locusta: error: argument --prompt-tokens-dist: invalid value 'uniform:9:3'/],
    [['--ignore-eos'], /^locusta: error: argument --ignore-eos: needs --output-tokens/],
    [['--output-tokens', '-3'], /^locusta: error: argument --output-tokens: invalid value '-3'/],
    [['--usage-tolerance', '-1'], /^locusta: error: argument --usage-tolerance: invalid value '-1'/],
    [['--dataset', badDataset], /^locusta: error: argument --dataset: .*bad\.jsonl:2: not JSON$/],
    [['--dataset', join(dir, 'none.json')], /^locusta: error: argument --dataset: cannot read '.*none\.json': ENOENT$/],
    [['--dataset', badDataset, '--prompt-tokens', '5'], /^locusta: error: argument --dataset: takes its prompts from the file/],
  ])('%j: one line, exit 2, no request sent', async (args, message) => {
    const server = await mock({});
    const r = await runLocusta(['-f', USER, '-H', server.url, '--headless', '-u', '1', '-t', '1', ...args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(server.counters().requests).toBe(0);
  });
});
