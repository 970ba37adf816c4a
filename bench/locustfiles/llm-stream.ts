import { OpenAIUser, constant, task } from 'locusta';

/** One streamed chat completion after another: bench/llm-streams.mjs's concurrent streams. */
export class StreamUser extends OpenAIUser {
  waitTime = constant(0);

  @task
  async generate() {
    await this.chat({ model: 'bench', messages: [{ role: 'user', content: 'Count.' }], max_tokens: 50, stream: true }, { name: 'stream' });
  }
}
