import type { OllamaBody } from './ollama-user.ts';
import type { ChatMessage, Prompt } from './traffic.ts';

/** What an Ollama body takes from a prompt besides its text: the output length. */
interface OutputLength {
  /** Sent as `options.num_predict`, Ollama's output limit. */
  max_tokens?: number;
}

type OllamaPrompt = (Prompt | { messages: ChatMessage[]; prompt: string }) & OutputLength;

/**
 * `options.num_predict` from the prompt's `max_tokens`, over the options `extra` gives
 * (`temperature`, `num_ctx`...). Ollama has no `min_tokens` or `ignore_eos`: `--ignore-eos`
 * cannot make its answers that long, so they are not sent (Ollama ignores unknown fields).
 */
function withOutputLength(body: OllamaBody, prompt: OutputLength): OllamaBody {
  if (prompt.max_tokens === undefined) return body;
  const given = body['options'];
  const options = typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {};
  return { ...body, options: { ...options, num_predict: prompt.max_tokens } };
}

/**
 * An `/api/chat` body for a prompt (e.g. `this.promptSource.next()`): its messages (a text
 * prompt becomes one user message) and `options.num_predict` from its output length, over
 * `extra` (`stream`, `think`, `keep_alive`, `options`...).
 */
export function ollamaChatBody(model: string, prompt: OllamaPrompt, extra: OllamaBody = {}): OllamaBody {
  const messages = 'messages' in prompt ? prompt.messages : [{ role: 'user', content: prompt.prompt }];
  return withOutputLength({ ...extra, model, messages }, prompt);
}

/** An `/api/generate` body for a prompt: its text (chat messages joined by newlines) and `options.num_predict`. */
export function ollamaGenerateBody(model: string, prompt: OllamaPrompt, extra: OllamaBody = {}): OllamaBody {
  const text = 'prompt' in prompt ? prompt.prompt : prompt.messages.map((m) => m.content).join('\n');
  return withOutputLength({ ...extra, model, prompt: text }, prompt);
}
