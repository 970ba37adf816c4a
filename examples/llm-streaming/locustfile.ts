import { OpenAIUser, between, events, syntheticPrompts, task, weightedModels } from 'locusta';

events.initCommandLineParser.addListener((parser) => {
  parser.option('seed-prompts', { type: 'number', default: 1, describe: 'Seed of the generated prompts' });
});

/** Three model sizes by weight: most traffic on the small one, as on a real assistant. */
const pickModel = weightedModels([
  ['llama3.2:1b', 5],
  ['llama3.1:8b', 3],
  ['qwen2.5:14b', 1],
]);

/**
 * Streamed chat completions with varied message lengths: prompts of about 20 to 800 tokens and
 * answers capped at 16 to 256, drawn from a seeded generator so runs can be repeated. Every
 * request records TTFT, inter-token latency, TPOT and tokens per (endpoint, model); 503 and 429
 * count as shed load.
 */
export class StreamingChatUser extends OpenAIUser {
  waitTime = between(0.5, 2);
  prompts = syntheticPrompts({
    inputTokens: { dist: 'uniform', min: 20, max: 800 },
    outputTokens: { dist: 'uniform', min: 16, max: 256 },
    seed: Number(this.environment.parsedOptions['seedPrompts'] ?? 1),
  });

  @task
  async converse() {
    const model = pickModel();
    const prompt = this.prompts();
    await this.chat({ model, messages: prompt.messages, max_tokens: prompt.max_tokens, stream: true }, { name: `chat ${model}` });
  }
}
