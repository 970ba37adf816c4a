/**
 * An endless sequence of names in proportion to their weights, spread as evenly as possible:
 * each step emits the name whose next occurrence most reduces the Kullback-Leibler divergence
 * between the emitted counts and the weights (weights 5 and 1 give AAABAAAAABAA). This is the
 * order in which Locust's dispatcher picks user classes, so runs are comparable.
 */
interface Slot {
  score: number;
  seen: number;
  weight: number;
  name: string;
}

function before(a: Slot, b: Slot): boolean {
  if (a.score !== b.score) return a.score < b.score;
  if (a.seen !== b.seen) return a.seen < b.seen;
  if (a.weight !== b.weight) return a.weight < b.weight;
  return a.name < b.name;
}

export function* weightedSequence(items: Iterable<readonly [string, number]>): Generator<string | undefined, never> {
  const heap: Slot[] = [];
  for (const [name, weight] of items) {
    if (weight > 0) heap.push({ score: weight * Math.log2(weight / (weight + 1)), seen: weight + 1, weight, name });
  }
  if (heap.length === 0) {
    for (;;) yield undefined;
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
  for (;;) {
    const top = heap[0]!;
    yield top.name;
    top.score = top.weight * Math.log2(top.seen / (top.seen + 1));
    top.seen += 1;
    siftDown(heap, 0);
  }
}

function siftDown(heap: Slot[], start: number): void {
  let i = start;
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && before(heap[l]!, heap[m]!)) m = l;
    if (r < n && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
