/**
 * The mock's prefix cache: what `prompt_tokens_details.cached_tokens` says. A deterministic rule
 * rather than vLLM's blocks of token ids (the mock may count tokens without ids):
 *
 * the cached part of a prompt is the longest prefix it shares with an earlier prompt to the same
 * model, cut back to a word boundary of both (whitespace, or the end of the earlier prompt), and
 * never the whole prompt (its last token is always computed, as vLLM recomputes it); its tokens
 * are those the server's counting rule gives that text. The last `capacity` prompts of each model
 * are remembered.
 */
export class PrefixCache {
  readonly #capacity: number;
  readonly #prompts = new Map<string, string[]>();

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** The cached part of `text` (a prefix of it, '' on a miss), and remembers `text`. */
  lookup(model: string, text: string): string {
    const earlier = this.#prompts.get(model) ?? [];
    let best = 0;
    for (const other of earlier) best = Math.max(best, sharedWords(text, other));
    earlier.push(text);
    if (earlier.length > this.#capacity) earlier.shift();
    this.#prompts.set(model, earlier);
    return text.slice(0, best).trimEnd();
  }
}

const SPACE = /\s/;

/** The length of the longest common prefix of `a` and `b` that ends at a word boundary of both, shorter than `a`. */
function sharedWords(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // The whole of `b` is a prefix of `a`, ending where `a` has a space: shared up to there.
  if (i === b.length && i < a.length && SPACE.test(a[i]!)) return i;
  for (let p = Math.min(i, a.length - 1); p > 0; p--) {
    if (SPACE.test(a[p]!) && (p === b.length || SPACE.test(b[p] ?? ''))) return p;
  }
  return 0;
}
