import type { ReportEntry } from './report-data.ts';

// Percentiles read from what an entry carries: the exact values the stats computed when present,
// otherwise from its sparse histogram (bucket upper bounds, so never below the true value).

/** Locust's PERCENTILES_TO_REPORT, the columns of the percentile table. */
export const TABLE_PERCENTILES: readonly number[] = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1];

/** The spectrum's last point: 99.999% (5 nines); 100% is infinitely far on a nines axis. */
const SPECTRUM_MAX_NINES = 5;
/** Points a decade of nines, as in HdrHistogram's percentile plots. */
const SPECTRUM_STEPS_PER_NINE = 20;

const EPSILON = 1e-9;

/** The value at `fraction` of a sparse `[upper bound, count]` histogram; null when it is empty. */
export function percentileFromHistogram(histogram: ReadonlyArray<readonly [number, number]>, fraction: number): number | null {
  let total = 0;
  for (const [, count] of histogram) total += count;
  if (total <= 0) return null;
  const target = Math.min(total, Math.max(1, Math.ceil(fraction * total - EPSILON)));
  let seen = 0;
  for (const [bound, count] of histogram) {
    seen += count;
    if (seen >= target) return bound;
  }
  return histogram[histogram.length - 1]?.[0] ?? null;
}

/** The smallest listed value at or above `fraction` (a step function); null past the last one. */
export function percentileFromList(percentiles: ReadonlyArray<readonly [number, number]>, fraction: number): number | null {
  for (const [f, ms] of percentiles) if (f >= fraction - EPSILON) return ms;
  return null;
}

/** One cell of the percentile table. */
export function entryPercentile(entry: ReportEntry, fraction: number): number | null {
  const exact = entry.percentiles.find(([f]) => Math.abs(f - fraction) < EPSILON);
  if (exact) return exact[1];
  if (entry.numRequests <= 0) return null;
  // The histogram's last bucket only bounds the maximum; the entry knows it exactly.
  if (fraction >= 1) return entry.max;
  return percentileFromHistogram(entry.histogram, fraction);
}

/** Whether an entry has any latency to draw. */
export function hasSamples(entry: Pick<ReportEntry, 'histogram' | 'percentiles'>): boolean {
  return entry.histogram.some(([, count]) => count > 0) || entry.percentiles.length > 0;
}

/** The x positions of a spectrum in nines: x = -log10(1 - fraction), 0 (0%) .. 5 (99.999%). */
export function spectrumNines(): number[] {
  const xs: number[] = [];
  for (let i = 0; i <= SPECTRUM_MAX_NINES * SPECTRUM_STEPS_PER_NINE; i++) xs.push(i / SPECTRUM_STEPS_PER_NINE);
  return xs;
}

/** A latency spectrum at the given nines, from the histogram or else the listed percentiles. */
export function spectrumValues(source: Pick<ReportEntry, 'histogram' | 'percentiles'>, nines: readonly number[]): Array<number | null> {
  const fromHistogram = source.histogram.some(([, count]) => count > 0);
  const sorted = [...source.percentiles].sort((a, b) => a[0] - b[0]);
  return nines.map((x) => {
    const fraction = 1 - 10 ** -x;
    return fromHistogram ? percentileFromHistogram(source.histogram, fraction) : percentileFromList(sorted, fraction);
  });
}
