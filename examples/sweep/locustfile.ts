import { OpenAIUser, constant, syntheticPrompts, task } from 'locusta';

/**
 * Streamed chat completions for a rate sweep. No wait between requests: the sweep's synchronous
 * point is then one request at a time back to back, and its throughput point -u requests in
 * flight at all times (its rate points start tasks on their own schedule, whatever the wait).
 * Prompts of 50 to 400 tokens and answers of 32 to 128, seeded so runs repeat.
 */
export class SweepChatUser extends OpenAIUser {
  waitTime = constant(0);
  prompts = syntheticPrompts({
    inputTokens: { dist: 'uniform', min: 50, max: 400 },
    outputTokens: { dist: 'uniform', min: 32, max: 128 },
    seed: 1,
  });

  @task
  async converse() {
    const prompt = this.prompts();
    await this.chat({ model: 'llama3.2:1b', messages: prompt.messages, max_tokens: prompt.max_tokens, stream: true }, { name: 'chat' });
  }
}
