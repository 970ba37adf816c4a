// Histograms arrive as fine buckets (about three significant digits). Charts regroup them into
// bins of even width on a log axis, ten a decade (the rounded steps of 10^(k/10)), so one glance
// covers sub-millisecond to minute-long responses and the bars come out evenly spaced.

const EDGE_MANTISSAS = [1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8];
/** Below this the edges are not worth drawing (1 µs). */
const SMALLEST_EDGE = 0.001;

export interface LogBins {
  /** Lower edge of each bin (ms). */
  lo: number[];
  /** Upper edge of each bin (ms); a bucket lands in the bin with lo < bound <= hi. */
  hi: number[];
  counts: number[];
}

function edge(mantissaIndex: number, decade: number): number {
  const m = EDGE_MANTISSAS[mantissaIndex] ?? 1;
  return Number((m * 10 ** decade).toPrecision(6));
}

/** Regroups `[upper bound, count]` buckets into log bins; null when there is nothing to count. */
export function logBins(histogram: ReadonlyArray<readonly [number, number]>): LogBins | null {
  const buckets = histogram.filter(([, count]) => count > 0);
  if (buckets.length === 0) return null;
  const positive = buckets.map(([bound]) => bound).filter((b) => b > 0);
  const smallest = Math.max(SMALLEST_EDGE, Math.min(...(positive.length ? positive : [1])));
  const largest = Math.max(smallest, ...positive);

  // Start one edge below the smallest bound, so it falls inside the first bin.
  let decade = Math.floor(Math.log10(smallest));
  let index = 0;
  while (index + 1 < EDGE_MANTISSAS.length && edge(index + 1, decade) < smallest) index++;
  if (edge(index, decade) >= smallest) {
    index--;
    if (index < 0) {
      decade--;
      index = EDGE_MANTISSAS.length - 1;
    }
  }
  const edges = [edge(index, decade)];
  while ((edges[edges.length - 1] ?? Infinity) < largest) {
    index++;
    if (index === EDGE_MANTISSAS.length) {
      index = 0;
      decade++;
    }
    edges.push(edge(index, decade));
  }

  const lo = edges.slice(0, -1);
  const hi = edges.slice(1);
  const counts = hi.map(() => 0);
  let bin = 0;
  // Buckets are ascending; bounds at or below the first edge (0 ms) are counted in the first bin.
  for (const [bound, count] of [...buckets].sort((a, b) => a[0] - b[0])) {
    while (bin < hi.length - 1 && bound > (hi[bin] ?? Infinity)) bin++;
    counts[bin] = (counts[bin] ?? 0) + count;
  }
  return { lo, hi, counts };
}
