import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import { LocustaError } from '@locusta/core';

type O200k = typeof import('gpt-tokenizer/encoding/o200k_base');

/**
 * A tokenizer as the prompt generator and the usage check use it: token ids of a text without
 * special tokens (no BOS, no chat template: those are the server's to add), and back.
 */
export interface TextTokenizer {
  /** `o200k_base` for the built-in one, else the path of the tokenizer.json. */
  readonly name: string;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  count(text: string): number;
}

/** The name of the built-in tokenizer (GPT-4o's vocabulary, shipped by the gpt-tokenizer package). */
export const DEFAULT_TOKENIZER = 'o200k_base';

// Loading the vocabulary takes about a second and 45 MB: only runs that count tokens pay for it,
// on first use (synchronously, from the package's CommonJS build).
let o200kModule: O200k | undefined;
const o200kOf = (): O200k => (o200kModule ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as O200k);
// Special-token text in a prompt is plain text (the library would throw on it by default).
const PLAIN = { disallowedSpecial: new Set<string>() };

const o200k: TextTokenizer = {
  name: DEFAULT_TOKENIZER,
  encode: (text) => o200kOf().encode(text, PLAIN),
  decode: (ids) => o200kOf().decode(ids),
  count: (text) => o200kOf().countTokens(text, PLAIN),
};

/** The tokenizer used when none is given: o200k_base, pure JS, its vocabulary in the package (loaded on first use). */
export function defaultTokenizer(): TextTokenizer {
  return o200k;
}

// One load per path in a process: the CLI checks the file before the run, users then share it.
const loaded = new Map<string, TextTokenizer>();

/**
 * Loads a Hugging Face `tokenizer.json` (the file next to a model's weights on the Hub) with
 * `@huggingface/tokenizers`, pure JS, nothing fetched. Throws a LocustaError naming the path
 * when the file cannot be read, is not JSON, or is not a tokenizer the library can build.
 */
export function loadTokenizer(path: string): TextTokenizer {
  const known = loaded.get(path);
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `'${path}' is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof (json as { model?: unknown }).model !== 'object') {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `'${path}' is not a tokenizer.json (no "model" object)`);
  }
  let tokenizer: Tokenizer;
  try {
    // The library wants every section present; a hand-written file may leave some out.
    const full = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...json };
    tokenizer = new Tokenizer(full, {});
    // A model whose parts only fail on use (a bad merge list, a bad regex) fails here instead.
    tokenizer.encode('load test', { add_special_tokens: false });
  } catch (err) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `'${path}' is not a tokenizer this build can load: ${err instanceof Error ? err.message : String(err)}`);
  }
  const made: TextTokenizer = {
    name: path,
    encode: (t) => tokenizer.encode(t, { add_special_tokens: false }).ids,
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: false }),
    count: (t) => tokenizer.encode(t, { add_special_tokens: false }).ids.length,
  };
  loaded.set(path, made);
  return made;
}

/** `--tokenizer` (a path), else the built-in o200k_base. */
export function tokenizerFor(path: string | undefined): TextTokenizer {
  return path === undefined || path === '' ? defaultTokenizer() : loadTokenizer(path);
}

// The counts of the prompts a PromptSource just made, so the usage check of the request that
// sends one does not encode it again (a long prompt costs milliseconds with some vocabularies).
// A few hundred: enough for the prompts in flight between making and sending.
const MEMO_SIZE = 512;
const memos = new WeakMap<TextTokenizer, Map<string, number>>();

/** Remembers a text's count under a tokenizer, for `countText`. */
export function rememberCount(tokenizer: TextTokenizer, text: string, count: number): void {
  let memo = memos.get(tokenizer);
  if (memo === undefined) {
    memo = new Map();
    memos.set(tokenizer, memo);
  }
  memo.delete(text);
  memo.set(text, count);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/** A text's token count: a remembered one, else counted. */
export function countText(tokenizer: TextTokenizer, text: string): number {
  return memos.get(tokenizer)?.get(text) ?? tokenizer.count(text);
}
