import { readFileSync } from 'node:fs';
import { LocustaError, seededRandom } from '@locusta/core';
import { byteLines, jsonArrayItems, skipSpace } from './dataset-file.ts';
import type { OpenAIBody } from './openai-user.ts';

export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * A prompt of a dataset: chat messages or completion text, with an optional output length and,
 * from ShareGPT, the recorded reply (whose token count is the output length to ask for).
 */
export type Prompt = { messages: ChatMessage[]; max_tokens?: number; reply?: string } | { prompt: string; max_tokens?: number; reply?: string };

/**
 * A picker of models by weight: `weightedModels([['small', 6], ['large', 1]], random)()` gives
 * `small` six times as often. Pass `seededRandom(seed)` for a repeatable mix.
 */
export function weightedModels(pairs: ReadonlyArray<readonly [string, number]>, random: () => number = Math.random): () => string {
  if (pairs.length === 0) throw new LocustaError('LOCUSTA_ERR_USAGE', 'weightedModels needs at least one [model, weight] pair');
  let total = 0;
  const bounds: number[] = [];
  for (const [model, weight] of pairs) {
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new LocustaError('LOCUSTA_ERR_USAGE', `the weight of model '${model}' must be a number >= 0, got ${weight}`);
    }
    total += weight;
    bounds.push(total);
  }
  if (total <= 0) throw new LocustaError('LOCUSTA_ERR_USAGE', 'weightedModels needs a weight > 0');
  return () => {
    const r = random() * total;
    for (let i = 0; i < bounds.length; i++) if (r < bounds[i]!) return pairs[i]![0];
    return pairs[pairs.length - 1]![0];
  };
}

/**
 * Reads a dataset of prompts, its format told by its content: a JSON array (ShareGPT's
 * `[{"conversations": [{"from": "human", "value": ...}, {"from": "gpt", ...}]}]`, or objects as
 * in JSONL), else JSONL: one JSON object a line, with `messages` (chat), `prompt` (text) or
 * `conversations` (ShareGPT), and optionally `max_tokens`. Blank lines are skipped; a bad line
 * throws, naming its number. A ShareGPT entry gives its first human turn as the prompt; the gpt
 * turn after it, when there is one, is kept as `reply` (its length is the output length
 * benchmarks ask for). ShareGPT entries without a human turn are skipped, as vLLM's sampler does.
 */
export function loadPrompts(path: string): Prompt[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const prompts: Prompt[] = [];
  const parse = (text: string, where: string): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: not JSON`);
    }
    const prompt = toPrompt(value, where);
    if (prompt !== undefined) prompts.push(prompt);
  };
  if (bytes[skipSpace(bytes)] === 0x5b) {
    // One JSON array, read item by item (see dataset-file.ts).
    let i = 0;
    try {
      for (const item of jsonArrayItems(bytes)) parse(item, `${path}[${i++}]`);
    } catch (err) {
      if (err instanceof LocustaError) throw err;
      throw new LocustaError('LOCUSTA_ERR_USAGE', `${path}: not JSON (a file starting with '[' is read as one JSON array): ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    let n = 0;
    for (const line of byteLines(bytes)) {
      n++;
      if (line.trim() !== '') parse(line, `${path}:${n}`);
    }
  }
  if (prompts.length === 0) throw new LocustaError('LOCUSTA_ERR_USAGE', `${path}: no prompts`);
  return prompts;
}

/** A ShareGPT conversation's first human turn and the gpt turn after it; undefined without a human turn. */
function fromShareGpt(conversations: unknown[], where: string): Prompt | undefined {
  const turns = conversations.map((turn) => {
    const { from, value } = (typeof turn === 'object' && turn !== null ? turn : {}) as { from?: unknown; value?: unknown };
    if (typeof from !== 'string' || typeof value !== 'string') throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: every conversation turn needs a string "from" and "value"`);
    return { from, value };
  });
  const human = turns.findIndex((t) => t.from === 'human' || t.from === 'user');
  if (human < 0) return undefined;
  const answer = turns[human + 1];
  const reply = answer !== undefined && (answer.from === 'gpt' || answer.from === 'assistant' || answer.from === 'chatgpt') ? answer.value : undefined;
  const prompt: Prompt = { messages: [{ role: 'user', content: turns[human]!.value }] };
  if (reply !== undefined) prompt.reply = reply;
  return prompt;
}

function toPrompt(value: unknown, where: string): Prompt | undefined {
  if (typeof value !== 'object' || value === null) throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: expected an object`);
  const { messages, prompt, conversations, max_tokens: maxTokens } = value as { messages?: unknown; prompt?: unknown; conversations?: unknown; max_tokens?: unknown };
  if (Array.isArray(conversations)) return fromShareGpt(conversations, where);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && (maxTokens as number) > 0)) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: max_tokens must be an integer > 0`);
  }
  const extra = maxTokens === undefined ? {} : { max_tokens: maxTokens as number };
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (typeof m !== 'object' || m === null || typeof m.role !== 'string' || typeof m.content !== 'string') {
        throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: every message needs a string role and content`);
      }
    }
    return { messages: messages as ChatMessage[], ...extra };
  }
  if (typeof prompt === 'string') return { prompt, ...extra };
  throw new LocustaError('LOCUSTA_ERR_USAGE', `${where}: expected "messages" (an array), "prompt" (a string) or "conversations" (ShareGPT)`);
}

/** A token length: a fixed number, or a distribution sampled per request. */
export type LengthDistribution =
  | number
  | { dist: 'normal'; mean: number; stddev: number; min?: number; max?: number }
  | { dist: 'uniform'; min: number; max: number };

/** One length drawn from `dist`: an integer, at least `min` (default 1) and at most `max`. */
export function sampleLength(dist: LengthDistribution, random: () => number): number {
  if (typeof dist === 'number') return Math.max(1, Math.round(dist));
  if (dist.dist === 'uniform') {
    const lo = Math.ceil(Math.max(dist.min, 1));
    const hi = Math.floor(Math.max(dist.max, lo));
    return lo + Math.floor(random() * (hi - lo + 1));
  }
  // Box-Muller; 1 - random() keeps the logarithm's argument in (0, 1].
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const value = Math.round(dist.mean + dist.stddev * z);
  return Math.min(Math.max(value, dist.min ?? 1, 1), dist.max ?? Infinity);
}

export interface SyntheticPromptOptions {
  /** Prompt length in tokens (one word each; see syntheticPrompts). */
  inputTokens: LengthDistribution;
  /** `max_tokens` of each request. */
  outputTokens: LengthDistribution;
  /** Seed of the lengths and words, so a run can be repeated. @default 1 */
  seed?: number;
}

/** A generated prompt, as chat messages and as completion text. */
export interface SyntheticPrompt {
  messages: ChatMessage[];
  prompt: string;
  /** The words in the prompt: the length drawn. */
  inputTokens: number;
  max_tokens: number;
}

// Short, common words: most tokenizers give each a single token.
const WORDS = (
  'the of and to in is that for it as with was on be by at this are from or an but not what all were when we there can ' +
  'more if no out so said up its about into than them only other new some time could these two may then first any ' +
  'like now over such our man me even most made after also did many before must through back years where much your way'
).split(' ');

/**
 * A generator of prompts with seeded input and output lengths (llmperf's and GuideLLM's
 * synthetic data). A prompt of N input tokens is N common words, about N tokens for most
 * vocabularies but not counted: `PromptSource` (`OpenAIUser.promptSource`, `--prompt-tokens`)
 * makes prompts of exactly N tokens under a tokenizer.
 */
export function syntheticPrompts(options: SyntheticPromptOptions): () => SyntheticPrompt {
  const random = seededRandom(options.seed ?? 1);
  return () => {
    const inputTokens = sampleLength(options.inputTokens, random);
    const maxTokens = sampleLength(options.outputTokens, random);
    const words: string[] = [];
    for (let i = 0; i < inputTokens; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
    const prompt = words.join(' ');
    return { messages: [{ role: 'user', content: prompt }], prompt, inputTokens, max_tokens: maxTokens };
  };
}

/** What a body takes from a prompt besides its text: the output length fields. */
interface OutputLength {
  max_tokens?: number;
  /** vLLM's and SGLang's extensions: generate at least this many tokens, and past the end of sequence. */
  min_tokens?: number;
  ignore_eos?: boolean;
}

function addOutputLength(body: OpenAIBody, prompt: OutputLength): OpenAIBody {
  if (prompt.max_tokens !== undefined) body['max_tokens'] = prompt.max_tokens;
  if (prompt.min_tokens !== undefined) body['min_tokens'] = prompt.min_tokens;
  if (prompt.ignore_eos !== undefined) body['ignore_eos'] = prompt.ignore_eos;
  return body;
}

/**
 * A chat completions body for a prompt: its messages (a text prompt becomes one user message)
 * and `max_tokens` (with `min_tokens` and `ignore_eos` when the prompt has them), over `extra`
 * (`stream`, `temperature`...).
 */
export function chatBody(model: string, prompt: (Prompt | SyntheticPrompt) & OutputLength, extra: OpenAIBody = {}): OpenAIBody {
  const messages = 'messages' in prompt ? prompt.messages : [{ role: 'user', content: prompt.prompt }];
  return addOutputLength({ ...extra, model, messages }, prompt);
}

/** A completions body for a prompt: its text (chat messages joined by newlines) and its output length fields. */
export function completionBody(model: string, prompt: (Prompt | SyntheticPrompt) & OutputLength, extra: OpenAIBody = {}): OpenAIBody {
  const text = 'prompt' in prompt ? prompt.prompt : prompt.messages.map((m) => m.content).join('\n');
  return addOutputLength({ ...extra, model, prompt: text }, prompt);
}
