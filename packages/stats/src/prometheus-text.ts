import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import { LAYOUT, valueAtIndex } from './histogram.ts';

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escaping: backslash and newline only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value in the format's float syntax. */
function formatPrometheusValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** Label pairs, in order: `[['name', '/hello'], ...]`. */
export type PrometheusLabels = ReadonlyArray<readonly [string, string]>;

function labelText(pairs: PrometheusLabels): string {
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/**
 * Cumulative counts of samples at or below each bound, and the sum of the samples (µs, each
 * bucket by its middle value, as the percentiles), in one walk of an HdrHistogram of µs. A
 * bucket is placed by its lowest value, so a sample of exactly a bound (5 ms) counts as
 * `le="0.005"`; the error is the histogram's resolution (0.1 %).
 */
function cumulativeBucketCounts(
  source: Histogram | ArrayLike<number>,
  boundsSeconds: readonly number[],
): { counts: number[]; sumMicros: number; total: number } {
  const bounds = boundsSeconds.map((s) => Math.round(s * 1e6));
  const counts = new Array<number>(bounds.length).fill(0);
  let sumMicros = 0;
  let total = 0;
  let b = 0;
  const add = (h: JsHistogram, us: number, c: number) => {
    total += c;
    sumMicros += h.medianEquivalentValue(us) * c;
    while (b < bounds.length && us > (bounds[b] ?? Infinity)) b++;
    // Past the last bound a sample only counts for +Inf.
    if (b < bounds.length) counts[b] = (counts[b] ?? 0) + c;
  };
  if ('totalCount' in source) {
    // Every histogram of these packages is the JS implementation (createHistogram), whose counts
    // array can be walked; the library's public interface has no per-bucket counts.
    const h = source as JsHistogram;
    if (h.totalCount > 0) {
      const last = Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
      for (let i = 0; i <= last; i++) {
        const c = h.getCountAtIndex(i);
        if (c !== 0) add(h, h.valueFromIndex(i), c);
      }
    }
  } else {
    // Flat buckets (StatsEntry.histogramBuckets), in index order: no histogram is made for them.
    for (let k = 0; k < source.length; k += 2) add(LAYOUT, valueAtIndex(LAYOUT, source[k] ?? 0), source[k + 1] ?? 0);
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0);
  return { counts, sumMicros, total };
}

/** Builds a Prometheus text exposition (format 0.0.4): metric families and their samples. */
export class PrometheusText {
  #out = '';

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.#out += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  }

  sample(name: string, labels: PrometheusLabels, value: number): void {
    this.#out += `${name}${labelText(labels)} ${formatPrometheusValue(value)}\n`;
  }

  /**
   * The `_bucket` (one per bound, then +Inf), `_sum` and `_count` samples of a histogram of µs,
   * in seconds. `totals` replaces the count and sum read from the histogram, for a caller that
   * keeps exact ones.
   */
  /** `h`: a histogram of µs, or the flat `[index, count, ...]` buckets of StatsEntry.histogramBuckets(). */
  histogram(name: string, labels: PrometheusLabels, h: Histogram | ArrayLike<number>, boundsSeconds: readonly number[], totals?: { count: number; sumSeconds: number }): void {
    const { counts, sumMicros, total } = cumulativeBucketCounts(h, boundsSeconds);
    boundsSeconds.forEach((le, i) => this.sample(`${name}_bucket`, [...labels, ['le', formatPrometheusValue(le)]], counts[i] ?? 0));
    const count = totals?.count ?? total;
    this.sample(`${name}_bucket`, [...labels, ['le', '+Inf']], count);
    this.sample(`${name}_sum`, labels, totals?.sumSeconds ?? sumMicros / 1e6);
    this.sample(`${name}_count`, labels, count);
  }

  text(): string {
    return this.#out;
  }
}
