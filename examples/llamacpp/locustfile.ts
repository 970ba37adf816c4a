import { LlamaCppUser, between, syntheticPrompts, task } from 'locusta';

/**
 * llama.cpp server's native `/completion`: the answer streams as server-sent events, one
 * `data:` chunk a token, the last one (`stop: true`) with the server's own `timings` (prompt
 * processing and generation: tokens, ms, tokens/s). TTFT is to the first chunk with text,
 * output tokens are the server's `predicted_n`, input tokens its `tokens_evaluated`; the
 * timings land in PREFIX_llamacpp.csv beside the client's TTFT and E2E. `cache_prompt` lets the
 * server reuse the prompt's prefix from its slot's cache (cached tokens: `cache_n`).
 */
export class CompletionUser extends LlamaCppUser {
  waitTime = between(0.2, 1);
  prompts = syntheticPrompts({
    inputTokens: { dist: 'uniform', min: 20, max: 400 },
    outputTokens: { dist: 'uniform', min: 32, max: 200 },
    seed: 1,
  });

  @task
  async complete() {
    const prompt = this.prompts();
    await this.completion({ prompt: prompt.messages.map((m) => m.content).join('\n'), n_predict: prompt.max_tokens, cache_prompt: true }, { name: 'completion' });
  }
}
