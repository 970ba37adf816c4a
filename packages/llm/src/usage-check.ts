import type { OpenAIBody } from './openai-user.ts';
import type { GenerationKind } from './openai-chunks.ts';
import { contentText, countMessages } from './prompt-source.ts';
import type { TextTokenizer } from './tokenizer.ts';
import { countText } from './tokenizer.ts';

/**
 * The tokenizer's count of the prompt a body sends: a completion's `prompt` text, or the
 * contents of a chat's messages added up (text parts of content arrays; no chat template, no
 * BOS: the server adds those, and the tolerance allows for them). Undefined for a body whose
 * prompt it cannot read (token ids, several prompts).
 */
export function expectedPromptTokens(tokenizer: TextTokenizer, kind: GenerationKind, body: OpenAIBody): number | undefined {
  if (kind === 'completion') {
    const prompt = body['prompt'];
    if (typeof prompt === 'string') return countText(tokenizer, prompt);
    if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return countText(tokenizer, prompt[0]);
    return undefined;
  }
  const messages = body['messages'];
  if (!Array.isArray(messages)) return undefined;
  return countMessages(tokenizer, messages.map((m: unknown) => ({ content: typeof m === 'object' && m !== null ? contentText((m as { content?: unknown }).content) : '' })));
}

/**
 * The rule of LLM_METRICS.md, "Token counts checked": the server's `prompt_tokens` disagrees
 * when it is below the tokenizer's count (it saw fewer tokens than were sent: a truncated
 * prompt, or another vocabulary) or above it by more than `tolerance` (more than a chat
 * template and BOS add).
 */
export function isUsageMismatch(promptTokens: number, expected: number, tolerance: number): boolean {
  return promptTokens < expected || promptTokens > expected + tolerance;
}
