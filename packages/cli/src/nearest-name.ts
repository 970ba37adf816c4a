/**
 * The candidate most like `word`, if any is alike enough: the similarity of Python's
 * difflib.get_close_matches (twice the matched characters over both lengths, matches found as
 * the longest common block, then recursively left and right of it) with its cutoff of 0.6, so
 * a typed flag gets the suggestion Locust would make.
 */
export function nearestName(word: string, candidates: Iterable<string>, cutoff = 0.6): string | undefined {
  let best: string | undefined;
  let bestScore = cutoff;
  for (const candidate of candidates) {
    const score = similarity(word, candidate);
    if (score > bestScore || (score === bestScore && best === undefined)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

export function similarity(a: string, b: string): number {
  const total = a.length + b.length;
  return total === 0 ? 1 : (2 * matched(a, b)) / total;
}

/** Characters in matching blocks: the longest common block, then the same on each side. */
function matched(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  let bestLength = 0;
  let bestA = 0;
  let bestB = 0;
  // lengths[j + 1]: length of the common block ending at a[i] and b[j]
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 0; j < b.length; j++) {
      if (a[i] !== b[j]) continue;
      const length = previous[j]! + 1;
      current[j + 1] = length;
      if (length > bestLength) {
        bestLength = length;
        bestA = i - length + 1;
        bestB = j - length + 1;
      }
    }
    previous = current;
  }
  if (bestLength === 0) return 0;
  return bestLength + matched(a.slice(0, bestA), b.slice(0, bestB)) + matched(a.slice(bestA + bestLength), b.slice(bestB + bestLength));
}
