import type { Environment } from '@locusta/core';
import { LocustaError } from '@locusta/core';
import type { PromptSourceOptions } from './prompt-source.ts';
import { PromptSource } from './prompt-source.ts';
import type { TextTokenizer } from './tokenizer.ts';
import { tokenizerFor } from './tokenizer.ts';
import type { LengthDistribution, Prompt } from './traffic.ts';
import { loadPrompts } from './traffic.ts';

/**
 * The run's token settings, read from the CLI options (`environment.parsedOptions`):
 * `--tokenizer`, `--prompt-tokens`, `--prompt-tokens-dist`, `--prefix-tokens`,
 * `--output-tokens`, `--ignore-eos`, `--dataset`, `--seed` and `--usage-tolerance`.
 */
export interface TokenSettings {
  tokenizer: TextTokenizer;
  source: PromptSourceOptions;
  /** Compare `usage.prompt_tokens` with the tokenizer's count of each prompt sent. */
  checkUsage: boolean;
  /** Tokens `usage.prompt_tokens` may exceed the tokenizer's count by (chat template, BOS). */
  usageTolerance: number;
}

// One read per dataset file in a process: the CLI checks it before the run and the users then
// share what it read (a large ShareGPT file takes seconds and hundreds of MB).
const datasets = new Map<string, Prompt[]>();

/** The default `--usage-tolerance`: room for a chat template's markers and default system prompt. */
export const DEFAULT_USAGE_TOLERANCE = 64;

const usage = (flag: string, message: string) => new LocustaError('LOCUSTA_ERR_USAGE', `argument ${flag}: ${message}`);

function wholeNumber(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min) throw usage(flag, `invalid value '${String(value)}': must be a whole number >= ${min}`);
  return n;
}

/** `fixed` (then `--prompt-tokens`), `uniform:MIN:MAX` or `normal:MEAN:SD`. */
export function parseLengthDistribution(text: string, fixed: number | undefined, flag = '--prompt-tokens-dist'): LengthDistribution | undefined {
  const parts = text.trim().split(':');
  const nums = parts.slice(1).map(Number);
  const bad = () => usage(flag, `invalid value '${text}': expected fixed, uniform:MIN:MAX or normal:MEAN:SD`);
  if (nums.some((n) => !Number.isFinite(n) || n < 0)) throw bad();
  switch (parts[0]) {
    case 'fixed':
      if (parts.length !== 1) throw bad();
      return fixed;
    case 'uniform': {
      if (parts.length !== 3 || !Number.isInteger(nums[0]) || !Number.isInteger(nums[1]) || nums[0]! < 1 || nums[1]! < nums[0]!) {
        throw usage(flag, `invalid value '${text}': expected uniform:MIN:MAX with whole numbers 1 <= MIN <= MAX`);
      }
      return { dist: 'uniform', min: nums[0]!, max: nums[1]! };
    }
    case 'normal':
      if (parts.length !== 3 || nums[0]! < 1) throw usage(flag, `invalid value '${text}': expected normal:MEAN:SD with MEAN >= 1`);
      return { dist: 'normal', mean: nums[0]!, stddev: nums[1]! };
    default:
      throw bad();
  }
}

/**
 * Reads and checks the token options: the tokenizer file and the dataset are loaded here, so a
 * bad one is a usage error before the run (LocustaError `argument --flag: ...`).
 */
export function readTokenSettings(options: Readonly<Record<string, unknown>>): TokenSettings {
  const path = options['tokenizer'];
  let tokenizer: TextTokenizer;
  try {
    tokenizer = tokenizerFor(typeof path === 'string' ? path : undefined);
  } catch (err) {
    throw usage('--tokenizer', err instanceof Error ? err.message : String(err));
  }
  const promptTokens = wholeNumber(options['promptTokens'], '--prompt-tokens', 1);
  const distText = options['promptTokensDist'];
  const dist = typeof distText === 'string' && distText !== '' ? parseLengthDistribution(distText, promptTokens) : promptTokens;
  const prefixTokens = wholeNumber(options['prefixTokens'], '--prefix-tokens', 0);
  const outputTokens = wholeNumber(options['outputTokens'], '--output-tokens', 1);
  const ignoreEos = options['ignoreEos'] === true;
  if (ignoreEos && outputTokens === undefined) throw usage('--ignore-eos', 'needs --output-tokens (the length every answer is to have)');
  const tolerance = wholeNumber(options['usageTolerance'], '--usage-tolerance', 0) ?? DEFAULT_USAGE_TOLERANCE;
  const datasetPath = options['dataset'];
  let dataset: Prompt[] | undefined;
  if (typeof datasetPath === 'string' && datasetPath !== '') {
    if (promptTokens !== undefined || prefixTokens) throw usage('--dataset', 'takes its prompts from the file: leave out --prompt-tokens and --prefix-tokens');
    try {
      dataset = datasets.get(datasetPath) ?? loadPrompts(datasetPath);
      datasets.set(datasetPath, dataset);
    } catch (err) {
      throw usage('--dataset', err instanceof Error ? err.message : String(err));
    }
  }
  const seed = typeof options['seed'] === 'number' && Number.isInteger(options['seed']) ? options['seed'] : 1;
  const source: PromptSourceOptions = { tokenizer, seed, ignoreEos };
  if (dist !== undefined) source.promptTokens = dist;
  if (prefixTokens !== undefined) source.prefixTokens = prefixTokens;
  if (outputTokens !== undefined) source.outputTokens = outputTokens;
  if (dataset !== undefined) source.dataset = dataset;
  // Without any of these, the run did not ask about tokens: a user's own prompts are not
  // judged against a tokenizer that may not be the model's.
  const asked = (typeof path === 'string' && path !== '') || dist !== undefined || !!prefixTokens || dataset !== undefined;
  // A run that uses the tokenizer loads its vocabulary now, before the test, not in its first request.
  if (asked) tokenizer.count('load');
  // Synthetic prompts need words the tokenizer counts as one token each: refused before the run.
  if (dataset === undefined && (dist !== undefined || !!prefixTokens)) {
    try {
      new PromptSource(source);
    } catch (err) {
      throw usage('--tokenizer', err instanceof Error ? err.message : String(err));
    }
  }
  return { tokenizer, source, checkUsage: asked, usageTolerance: tolerance };
}

interface Entry {
  settings: TokenSettings;
  source?: PromptSource;
}

// One per environment: the users of a process share one seeded sequence of prompts. A setting
// that failed (a worker without the tokenizer file) fails every request the same way, without
// reading the file again each time.
const globals = globalThis as Record<symbol, unknown>;
const settingsOf = (globals[Symbol.for('locusta.llm.tokens')] ??= new WeakMap<Environment, Entry | Error>()) as WeakMap<Environment, Entry | Error>;

function entryOf(environment: Environment): Entry {
  let entry = settingsOf.get(environment);
  if (entry === undefined) {
    try {
      entry = { settings: readTokenSettings(environment.parsedOptions) };
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    settingsOf.set(environment, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

/** The token settings of an environment's run, read from its options on first use. */
export function tokenSettingsOf(environment: Environment): TokenSettings {
  return entryOf(environment).settings;
}

/**
 * The PromptSource of an environment's run (`--prompt-tokens`, `--dataset`...), made on first
 * use. A worker mixes its id into the seed of its own parts (not the shared prefix's): two
 * workers of one seed would otherwise send the same prompts in the same order, which a prefix
 * cache would serve whole.
 */
export function promptSourceOf(environment: Environment): PromptSource {
  const entry = entryOf(environment);
  if (entry.source === undefined) {
    const node = environment.nodeId;
    const own = node === 'local' || node === 'master' ? {} : { ownSeed: (entry.settings.source.seed ?? 1) ^ hash(node) };
    entry.source = new PromptSource({ ...entry.settings.source, ...own });
  }
  return entry.source;
}

/** FNV-1a of a text: a worker's id as a number to mix into a seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
