/**
 * Deterministic filler text. By the mock's own convention every word is one token, so a
 * response's `usage.completion_tokens` equals its word count.
 */
import { createRng } from './latency.ts';

const WORDS = [
  'load', 'testing', 'measures', 'how', 'a', 'system', 'behaves', 'under', 'many', 'concurrent',
  'users', 'latency', 'throughput', 'requests', 'per', 'second', 'tokens', 'queue', 'server',
  'model', 'inference', 'prompt', 'response', 'percentile', 'capacity', 'batch', 'decode',
  'prefill', 'the', 'of', 'and', 'with', 'grows', 'slowly', 'quickly', 'while', 'each', 'client',
  'waits', 'for', 'its', 'answer', 'median', 'tail', 'budget', 'saturation', 'point', 'errors',
  'retry', 'busy', 'healthy', 'stable', 'locally', 'measured', 'carefully', 'results', 'show',
  'that', 'more', 'fewer', 'than', 'before', 'after', 'every',
];

/** Exactly `tokens` words, chosen by `seed`, arranged in rough sentences. */
export function fillerText(tokens: number, seed: number): string {
  if (tokens <= 0) return '';
  const rng = createRng(seed);
  const out: string[] = [];
  let sentenceLength = 0;
  for (let i = 0; i < tokens; i++) {
    let word = WORDS[Math.floor(rng() * WORDS.length)] as string;
    if (sentenceLength === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
    sentenceLength++;
    const last = i === tokens - 1;
    if (last || (sentenceLength >= 6 && rng() < 0.15)) {
      word += '.';
      sentenceLength = 0;
    }
    out.push(word);
  }
  return out.join(' ');
}
