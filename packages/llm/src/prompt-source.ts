import { LocustaError, seededRandom } from '@locusta/core';
import type { TextTokenizer } from './tokenizer.ts';
import { countText, defaultTokenizer, rememberCount } from './tokenizer.ts';
import type { ChatMessage, LengthDistribution, Prompt } from './traffic.ts';
import { sampleLength } from './traffic.ts';

/** What a PromptSource makes prompts from. */
export interface PromptSourceOptions {
  /** Counts and builds the prompts. @default the built-in o200k_base */
  tokenizer?: TextTokenizer;
  /**
   * Synthetic prompts: the tokens of each prompt's own part (after the shared prefix), exactly,
   * under the tokenizer. Ignored when `dataset` is given. @default 512
   */
  promptTokens?: LengthDistribution;
  /** Tokens of a prefix every synthetic prompt starts with (prefix-cache tests). @default 0 */
  prefixTokens?: number;
  /** Prompts to sample from (see `loadPrompts`), instead of synthetic ones. */
  dataset?: readonly Prompt[];
  /**
   * `max_tokens` of every request. Without it, a dataset prompt's own `max_tokens`, else the
   * token count of its recorded reply (ShareGPT), else none (the server decides).
   */
  outputTokens?: LengthDistribution;
  /** Also send `min_tokens` = `max_tokens` and `ignore_eos: true` (vLLM, SGLang), so every answer has that length. */
  ignoreEos?: boolean;
  /** Seed of the lengths, words and dataset picks. @default 1 */
  seed?: number;
  /**
   * Seed of the prompts' own parts (lengths, words, picks), when it is not `seed`: the shared
   * prefix comes from `seed` alone, so sources of another `ownSeed` (workers) share it.
   */
  ownSeed?: number;
}

/** A prompt as a PromptSource gives it: chat messages and the same text for completions. */
export interface SourcedPrompt {
  messages: ChatMessage[];
  /** The messages' contents joined by newlines (one message: its content). */
  prompt: string;
  /**
   * Tokens of the messages' contents under the source's tokenizer, added up (no chat template,
   * no BOS): exactly the asked length for synthetic prompts, prefix included.
   */
  inputTokens: number;
  /** Tokens of the shared prefix at the start of the prompt (0 without one). */
  prefixTokens: number;
  max_tokens?: number;
  min_tokens?: number;
  ignore_eos?: boolean;
}

// Short, common English words: most tokenizers give each one token, also after a space.
const WORDS = (
  'the of and to in is that for it as with was on be by at this are from or an but not what all were when we there can ' +
  'more if no out so said up its about into than them only other new some time could these two may then first any ' +
  'like now over such our man me even most made after also did many before must through back years where much your way'
).split(' ');

/**
 * Prompts for a load test: synthetic ones of an exact token length (with an optional shared
 * prefix), or picks from a dataset; seeded, so a run can be repeated. `next()` gives one.
 *
 * A synthetic prompt is common words joined by single spaces, each of which the tokenizer
 * counts as one token (checked when the source is made); its length is then checked with the
 * tokenizer and corrected word by word, so `inputTokens` is what the tokenizer counts.
 */
export class PromptSource {
  readonly tokenizer: TextTokenizer;
  readonly #options: PromptSourceOptions;
  readonly #random: () => number;
  readonly #words: readonly string[];
  readonly #prefix: string;
  readonly #prefixTokens: number;
  // Token counts of dataset prompts, counted when first picked (a large dataset is not counted up front).
  readonly #counts = new Map<number, { each: number[]; input: number; reply: number | undefined }>();

  constructor(options: PromptSourceOptions = {}) {
    this.#options = options;
    this.tokenizer = options.tokenizer ?? defaultTokenizer();
    this.#random = seededRandom(options.ownSeed ?? options.seed ?? 1);
    if (options.dataset !== undefined && options.dataset.length === 0) throw new LocustaError('LOCUSTA_ERR_USAGE', 'the dataset has no prompts');
    this.#words = options.dataset === undefined ? fillerWords(this.tokenizer) : [];
    this.#prefixTokens = Math.max(0, Math.round(options.prefixTokens ?? 0));
    // The same prefix for every source of the same seed and tokenizer: workers share it too.
    this.#prefix = this.#prefixTokens > 0 ? this.#exactText('', 0, this.#prefixTokens, seededRandom((options.seed ?? 1) ^ 0x5bd1e995)) : '';
  }

  /** The next prompt. */
  next(): SourcedPrompt {
    const dataset = this.#options.dataset;
    const out = dataset === undefined ? this.#synthetic() : this.#picked(dataset);
    const max = this.#options.outputTokens !== undefined ? sampleLength(this.#options.outputTokens, this.#random) : out.max_tokens;
    if (max !== undefined) {
      out.max_tokens = max;
      if (this.#options.ignoreEos) {
        out.min_tokens = max;
        out.ignore_eos = true;
      }
    }
    return out;
  }

  #synthetic(): SourcedPrompt {
    const own = sampleLength(this.#options.promptTokens ?? 512, this.#random);
    const text = this.#exactText(this.#prefix, this.#prefixTokens, this.#prefixTokens + own, this.#random);
    return { messages: [{ role: 'user', content: text }], prompt: text, inputTokens: this.#prefixTokens + own, prefixTokens: this.#prefixTokens };
  }

  #picked(dataset: readonly Prompt[]): SourcedPrompt {
    const i = Math.floor(this.#random() * dataset.length);
    const item = dataset[i]!;
    const messages = 'messages' in item ? item.messages : [{ role: 'user', content: item.prompt }];
    let counts = this.#counts.get(i);
    if (counts === undefined) {
      const each = messages.map((m) => countText(this.tokenizer, m.content));
      counts = { each, input: each.reduce((a, b) => a + b, 0), reply: item.reply === undefined ? undefined : this.tokenizer.count(item.reply) };
      this.#counts.set(i, counts);
    }
    // For the usage check of the request that sends it.
    messages.forEach((m, k) => rememberCount(this.tokenizer, m.content, counts.each[k]!));
    if ('prompt' in item) rememberCount(this.tokenizer, item.prompt, counts.input);
    const out: SourcedPrompt = {
      messages,
      prompt: 'prompt' in item ? item.prompt : messages.map((m) => m.content).join('\n'),
      inputTokens: counts.input,
      prefixTokens: 0,
    };
    const max = item.max_tokens ?? (counts.reply !== undefined && counts.reply > 0 ? counts.reply : undefined);
    if (max !== undefined) out.max_tokens = max;
    return out;
  }

  /**
   * Words after `head` (of `headTokens` tokens; joined by single spaces) until the tokenizer
   * counts exactly `target` tokens. Each filler word is one token, so the first guess is usually
   * right and costs one encoding; a tokenizer that merges across words gets words added or
   * removed until the count is right. The count is remembered for the usage check.
   */
  #exactText(head: string, headTokens: number, target: number, random: () => number): string {
    const words: string[] = head === '' ? [] : [head];
    const fixed = words.length;
    const pick = () => this.#words[Math.floor(random() * this.#words.length)]!;
    for (let i = headTokens; i < target; i++) words.push(pick());
    for (let tries = 0; tries < 64 + target; tries++) {
      const text = words.join(' ');
      const count = this.tokenizer.count(text);
      if (count === target) {
        rememberCount(this.tokenizer, text, count);
        return text;
      }
      if (count > target && words.length > fixed) words.pop();
      else if (count < target) words.push(pick());
      else break;
    }
    throw new LocustaError('LOCUSTA_ERR_USAGE', `cannot make a prompt of exactly ${target} tokens with the tokenizer ${this.tokenizer.name}`);
  }
}

/**
 * The filler words the tokenizer counts as one token alone and one more after another word, and
 * knows (the token decodes to the word: not an unknown-word token).
 */
function fillerWords(tokenizer: TextTokenizer): string[] {
  const known = (w: string) => {
    const ids = tokenizer.encode(w);
    return ids.length === 1 && typeof ids[0] === 'number' && tokenizer.decode(ids).trim() === w;
  };
  const words = WORDS.filter((w) => known(w) && tokenizer.count(`the ${w}`) === 2 && tokenizer.count(`${w} ${w}`) === 2);
  if (words.length === 0) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `the tokenizer ${tokenizer.name} has no single token for common English words ("the", "of", "and"...): synthetic prompts cannot be built with it`);
  }
  return words;
}

/** Tokens of the messages' contents, added up: what the usage check compares a chat request with. */
export function countMessages(tokenizer: TextTokenizer, messages: readonly { content?: unknown }[]): number {
  let total = 0;
  for (const m of messages) total += countText(tokenizer, contentText(m.content));
  return total;
}

/** A message's text: a string, or the text parts of an array of content parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : '')).join('');
}
