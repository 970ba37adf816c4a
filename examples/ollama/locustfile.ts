import { OllamaUser, between, events, syntheticPrompts, task } from 'locusta';

events.initCommandLineParser.addListener((parser) => {
  parser.option('model', { type: 'string', default: 'qwen3:8b', describe: 'A thinking model Ollama serves' });
});

/**
 * A thinking model on Ollama's native API: `/api/chat` with `think: true` streams the model's
 * reasoning (`message.thinking`) before the answer (`message.content`), one JSON object a line.
 * TTFT is to the first thinking or answer chunk, output tokens are the server's `eval_count`
 * (thinking included), input tokens its `prompt_eval_count`. Every tenth request embeds the
 * prompt instead (`/api/embed`, in the request statistics only).
 */
export class ThinkingChatUser extends OllamaUser {
  waitTime = between(0.2, 1);
  model = String(this.environment.parsedOptions['model'] ?? 'qwen3:8b');
  prompts = syntheticPrompts({
    inputTokens: { dist: 'uniform', min: 20, max: 400 },
    outputTokens: { dist: 'uniform', min: 64, max: 256 },
    seed: 1,
  });

  @task(9)
  async think() {
    const prompt = this.prompts();
    await this.chat(
      { model: this.model, messages: prompt.messages, think: true, options: { num_predict: prompt.max_tokens }, keep_alive: '5m' },
      { name: `chat ${this.model}` },
    );
  }

  @task(1)
  async embedPrompt() {
    const prompt = this.prompts();
    await this.embed({ model: this.model, input: prompt.messages.map((m) => m.content) });
  }
}
