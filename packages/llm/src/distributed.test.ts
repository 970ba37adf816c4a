import { constant, task } from '@locusta/core';
import { createMockServer } from '@locusta/mock-openai';
import { MasterRunner, WorkerRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { testEnvironment, waitUntil } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { attachLlmStats, llmStatsOf } from './attach.ts';
import { LlmStats } from './llm-stats.ts';
import { OpenAIUser } from './openai-user.ts';

let asked = 0;
class Chatter extends OpenAIUser {
  waitTime = constant(0);
  @task async t() {
    asked++;
    const model = asked % 3 === 0 ? 'llama3.2:3b' : 'llama3.2:1b';
    await this.chat({ model, messages: [{ role: 'user', content: `Question ${asked}` }], max_tokens: 3 + (asked % 17), stream: true });
  }
}

describe('LlmStats over a master and two workers (in process, over loopback)', () => {
  it('merges the workers’ samples exactly', async () => {
    // Reasoning mode: every answer starts with 2 reasoning tokens, whose split must merge too.
    const server = await createMockServer({ jitter: 0, seed: 5, speed: 20, capacity: 3, reasoningTokens: 2 });
    onTestFinished(() => server.close());
    const masterEnv = testEnvironment({ userClasses: [Chatter], nodeId: 'master', host: server.url, stopTimeout: 30 });
    const merged = attachLlmStats(masterEnv, { role: 'master', goodput: 'ttft:40 e2e:400' });
    const master = new MasterRunner(masterEnv, new RequestStats(), new ExceptionStats(), { bindHost: '127.0.0.1', bindPort: 0, fileHash: 'h' });
    const port = await master.listen();
    onTestFinished(() => master.close());

    // Every sample any worker records, fed into one LlmStats: what the master must end up with.
    const truth = new LlmStats({ ttft: 40, e2e: 400 });
    const recorded = [0, 0];
    const workers = ['w1', 'w2'].map((nodeId, i) => {
      const env = testEnvironment({ userClasses: [Chatter], nodeId, stopTimeout: 30 });
      // The master sends its options: the workers judge goodput with its bounds.
      const stats = attachLlmStats(env, { role: 'worker' });
      const own = stats.record.bind(stats);
      stats.record = (sample) => {
        truth.record(sample);
        recorded[i]!++;
        own(sample);
      };
      return { env, runner: new WorkerRunner(env, new RequestStats(), new ExceptionStats(), { masterHost: '127.0.0.1', masterPort: port, version: 't', fileHash: 'h', reportIntervalMs: 100 }) };
    });
    masterEnv.parsedOptions = { goodput: 'ttft:40 e2e:400' };
    const done = workers.map((w) => w.runner.run());
    expect(await master.waitForWorkers(2, 10_000)).toBe(true);
    await master.start(6, 100);
    await waitUntil(() => truth.total.requests >= 80 && merged.total.requests > 0, 20_000);
    await master.quit();
    expect(await Promise.all(done)).toEqual([0, 0]);

    expect(truth.total.shed).toBeGreaterThan(0);
    expect(merged.serialize()).toEqual(truth.serialize());
    for (const metric of ['ttft', 'answerTtft', 'itl', 'tpot', 'e2e'] as const) {
      const ps = [0.5, 0.9, 0.99, 1];
      expect(merged.total.latency(metric, ps)).toEqual(truth.total.latency(metric, ps));
    }
    expect(merged.entries().map((e) => e.model)).toEqual(['llama3.2:1b', 'llama3.2:3b']);
    // Both workers took part, with the master's goodput bounds, and each sent all it recorded.
    for (const n of recorded) expect(n).toBeGreaterThan(0);
    for (const w of workers) {
      expect(llmStatsOf(w.env).goodput).toEqual({ ttft: 40, e2e: 400 });
      expect(llmStatsOf(w.env).total.requests).toBe(0);
    }
    expect(merged.total.outputTokens).toBe(server.counters().completionTokens);
    expect(merged.total.reasoningTokens).toBe(server.counters().reasoningTokens);
    expect(merged.total.reasoningTokens).toBe(2 * merged.total.successes);
  });
});
