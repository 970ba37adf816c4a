import type { OutputTimeChart } from '@locusta/core';
import { addBuckets, createHistogram, percentileLabel, statsSettings, toBuckets, valuesAtPercentiles } from '@locusta/stats';
import type { LatencyMetric } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';

/** The latencies the web UI charts, in this order. */
const CHARTED: ReadonlyArray<readonly [LatencyMetric, string, string]> = [
  ['ttft', 'llm-ttft', 'TTFT (ms)'],
  ['itl', 'llm-itl', 'ITL (ms)'],
  ['e2e', 'llm-e2e', 'E2E (ms)'],
];

/** One colour a percentile line, in the order of PERCENTILES_TO_CHART (at most 6). */
const COLORS = ['#2e9d4f', '#e6861a', '#8a4fbf', '#2f6fb3', '#d0342c', '#168c9c'];

/** Points kept: the last half hour at one a second (they travel with every poll). */
const MAX_POINTS = 1800;

interface Point {
  /** Unix seconds. */
  time: number;
  /** By metric: ms at each charted percentile, null when no sample finished since the previous point. */
  values: Record<string, Array<number | null>>;
}

/**
 * The web UI's LLM charts: TTFT, ITL and E2E of the Aggregated entry over time, a line per
 * percentile of PERCENTILES_TO_CHART, as the web UI's response time charts pick theirs. Each point
 * holds the percentiles of the samples recorded since the previous point (what a live chart
 * should show: not the whole run's, which flatten out), taken at most once a second when the UI
 * polls. A change of the charted percentiles starts the charts over.
 */
export class LlmWebCharts {
  #points: Point[] = [];
  #previous = new Map<LatencyMetric, Map<number, number>>();
  #previousTotal = new Map<LatencyMetric, number>();
  #percentiles: readonly number[] = [];

  /** Takes a point now (unless one was taken this second) and gives the charts. */
  charts(stats: LlmStats, nowMs: number = Date.now()): OutputTimeChart[] {
    const ps = statsSettings.PERCENTILES_TO_CHART;
    if (ps.join() !== this.#percentiles.join()) {
      this.#points = [];
      this.#percentiles = [...ps];
    }
    const time = Math.floor(nowMs / 1000);
    if (stats.total.requests > 0 && this.#points.at(-1)?.time !== time) this.#sample(stats, time);
    if (this.#points.length === 0) return [];
    const x = this.#points.map((p) => p.time);
    return CHARTED.map(([metric, id, caption]) => ({
      id,
      caption: `${caption}: ${ps.map(percentileLabel).join(', ')} of the requests since the previous point`,
      unit: 'ms',
      x,
      series: ps.map((p, i) => ({ label: `p${Math.round(p * 1e4) / 100}`, color: COLORS[i % COLORS.length]!, values: this.#points.map((pt) => pt.values[metric]![i] ?? null) })),
    }));
  }

  /** Forgets the points (a new test, a stats reset). */
  reset(): void {
    this.#points = [];
    this.#previous.clear();
    this.#previousTotal.clear();
  }

  #sample(stats: LlmStats, time: number): void {
    const values: Record<string, Array<number | null>> = {};
    for (const [metric] of CHARTED) {
      const h = stats.total.histograms[metric];
      const now = toBuckets(h);
      // A histogram smaller than before was reset: everything in it is new.
      const before = (this.#previousTotal.get(metric) ?? 0) <= h.totalCount ? (this.#previous.get(metric) ?? new Map<number, number>()) : new Map<number, number>();
      const since: number[] = [];
      const kept = new Map<number, number>();
      for (let i = 0; i < now.length; i += 2) {
        const index = now[i]!;
        const count = now[i + 1]!;
        kept.set(index, count);
        const added = count - (before.get(index) ?? 0);
        if (added > 0) since.push(index, added);
      }
      this.#previous.set(metric, kept);
      this.#previousTotal.set(metric, h.totalCount);
      if (since.length === 0) {
        values[metric] = this.#percentiles.map(() => null);
        continue;
      }
      const interval = createHistogram();
      addBuckets(interval, since);
      values[metric] = valuesAtPercentiles(interval, this.#percentiles).map((us) => Math.round(us) / 1000);
    }
    this.#points.push({ time, values });
    if (this.#points.length > MAX_POINTS) this.#points.splice(0, this.#points.length - MAX_POINTS);
  }
}
