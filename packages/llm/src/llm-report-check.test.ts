import { describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { checkLlmReport } from './llm-report-check.ts';
import { LlmStats } from './llm-stats.ts';

function sample(over: Partial<LlmSample> = {}): LlmSample {
  return { name: '/v1/chat/completions', model: 'm', outcome: 'success', startTime: 1_700_000_000_000, e2e: 160, tokenSource: 'usage', ...over };
}

/** The LLM part of a worker report, as a worker builds it. */
function report() {
  const stats = new LlmStats({ ttft: 500 });
  stats.record(sample({ ttft: 100, itl: [10, 20, 30], inputTokens: 12, outputTokens: 4 }));
  stats.record(sample({ model: 'r1', ttft: 50, answerTtft: 120, itl: [10, 10], outputTokens: 3, reasoningTokens: 2 }));
  stats.record(sample({ model: 'big', ttft: 900, outputTokens: 7, tokenSource: 'chunks' }));
  stats.record(sample({ outcome: 'shed', retryAfter: true, e2e: 2 }));
  stats.record(sample({ outcome: 'failure', e2e: 3 }));
  stats.record(sample({ tokenSource: 'none' }));
  return stats.serialize();
}

describe('the LLM statistics of a worker report', () => {
  it('accepts what a worker serializes, empty or not', () => {
    expect(checkLlmReport(report())).toBeUndefined();
    expect(checkLlmReport(new LlmStats().serialize())).toBeUndefined();
  });

  const cases: Array<[string, (r: ReturnType<typeof report>) => void, RegExp]> = [
    ['a NaN count', (r) => (r.total.requests = Number.NaN), /total\.requests: expected an integer/],
    ['outcomes that do not add up', (r) => r.entries[0]!.successes++, /successes \+ shed \+ failures/],
    ['negative tokens', (r) => (r.entries[0]!.outputTokens = -4), /outputTokens/],
    ['sources that do not add up', (r) => r.total.sources.usage++, /sources do not add up/],
    ['an e2e histogram that does not match the successes', (r) => (r.total.e2e = []), /e2e holds 0 samples/],
    ['broken buckets', (r) => (r.total.ttft = [5, 1, 5, 1]), /ttft: bucket index 5 out of order/],
    ['per-second counts that do not add up', (r) => r.total.perSecond.pop(), /perSecond does not add up|firstStart/],
    ['NaN reasoning tokens', (r) => (r.total.reasoningTokens = Number.NaN), /total\.reasoningTokens\/answerTokens: expected numbers/],
    ['missing answer tokens', (r) => delete (r.total as Partial<typeof r.total>).answerTokens, /total\.reasoningTokens\/answerTokens/],
    ['reasoning and answer tokens over the output tokens', (r) => (r.total.answerTokens += 1000), /is more than outputTokens/],
    ['more answer TTFTs than TTFTs', (r) => (r.total.answerTtft = r.total.e2e), /answerTtft holds \d+ samples, more than ttft/],
    ['broken answer TTFT buckets', (r) => (r.total.answerTtft = [5, -1]), /answerTtft: /],
    ['an entry that is not an object', (r) => (r.entries[1] = 3 as never), /entries\[1\]\.expected an object/],
  ];
  it.each(cases)('refuses %s', (_what, mutate, expected) => {
    const r = report();
    mutate(r);
    expect(checkLlmReport(r)).toMatch(expected);
  });
});
