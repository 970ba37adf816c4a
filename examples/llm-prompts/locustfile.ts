import { OpenAIUser, chatBody, constant, task } from 'locusta';

/**
 * Streamed chats of the run's prompts, counted in the model's own tokens:
 *
 *   locusta -f examples/llm-prompts/locustfile.ts -H http://127.0.0.1:8000 --headless -u 8 -t 1m \
 *     --tokenizer path/to/tokenizer.json --prompt-tokens 512 --prefix-tokens 256 \
 *     --output-tokens 128 --ignore-eos
 *
 * sends prompts of exactly 256 shared + 512 own tokens under that tokenizer and asks for 128
 * tokens each (vLLM and SGLang honour `ignore_eos`); `--dataset sharegpt.json` samples a
 * dataset instead. The LLM table reports the cached tokens the server said it reused and the
 * answers whose `usage.prompt_tokens` disagreed with the tokenizer.
 */
export class PromptUser extends OpenAIUser {
  waitTime = constant(0);
  /** The model the server serves. */
  model = 'llama3.2:latest';

  @task
  async ask() {
    await this.chat(chatBody(this.model, this.promptSource.next(), { stream: true }), { name: 'chat' });
  }
}
