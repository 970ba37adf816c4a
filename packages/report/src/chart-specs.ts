import { escapeHtml } from './escape.ts';
import { logBins } from './histogram-bins.ts';
import { hasSamples, spectrumNines, spectrumValues } from './percentiles.ts';
import type { ReportEntry, ReportHistoryRow } from './report-data.ts';

// The charts travel to the page as these specs, already shaped for uPlot's aligned arrays; the
// page's script only maps them to options. Builders return null when there is nothing to draw, and
// the page then shows a note instead of a chart.

export interface SeriesSpec {
  label: string;
  color: string;
  values: Array<number | null>;
  /** Drawn as marks at its values, without a line (time charts). */
  marks?: boolean;
}

/** Lines over time; x in unix seconds. */
export interface TimeChartSpec {
  kind: 'time';
  id: string;
  /** Accessible name of the drawn chart. */
  title: string;
  unit: string;
  x: number[];
  series: SeriesSpec[];
}

/** Bars of counts over log-width latency bins (ms). */
export interface HistogramChartSpec {
  kind: 'histogram';
  id: string;
  title: string;
  color: string;
  lo: number[];
  hi: number[];
  counts: number[];
}

/** Latency (ms) by percentile; x in nines, -log10(1 - fraction). */
export interface SpectrumChartSpec {
  kind: 'spectrum';
  id: string;
  title: string;
  x: number[];
  series: SeriesSpec[];
}

export type ChartSpec = TimeChartSpec | HistogramChartSpec | SpectrumChartSpec;

export const COLORS = {
  rps: '#2f6fb3',
  failures: '#d0342c',
  p50: '#2e9d4f',
  p95: '#e6861a',
  p99: '#8a4fbf',
  users: '#168c9c',
  histogram: '#2f6fb3',
  corrected: '#d0342c',
  lag: '#9a6a2f',
} as const;

/** The three charts over time; empty when there is no history. */
export function historyCharts(history: readonly ReportHistoryRow[]): {
  rps: TimeChartSpec | null;
  responseTimes: TimeChartSpec | null;
  users: TimeChartSpec | null;
} {
  if (history.length === 0) return { rps: null, responseTimes: null, users: null };
  const rows = [...history].sort((a, b) => a.time - b.time);
  const x = rows.map((r) => r.time);
  return {
    rps: {
      kind: 'time',
      id: 'history-rps',
      title: 'Requests and failures per second',
      unit: '/s',
      x,
      series: [
        { label: 'Requests/s', color: COLORS.rps, values: rows.map((r) => r.rps) },
        { label: 'Failures/s', color: COLORS.failures, values: rows.map((r) => r.failPerSec) },
      ],
    },
    responseTimes: rows.some((r) => r.p50 != null || r.p95 != null || r.p99 != null)
      ? {
          kind: 'time',
          id: 'history-response-times',
          title: 'Response times: 50th, 95th and 99th percentile',
          unit: 'ms',
          x,
          series: [
            { label: 'p50', color: COLORS.p50, values: rows.map((r) => r.p50) },
            { label: 'p95', color: COLORS.p95, values: rows.map((r) => r.p95) },
            { label: 'p99', color: COLORS.p99, values: rows.map((r) => r.p99) },
          ],
        }
      : null,
    users: {
      kind: 'time',
      id: 'history-users',
      title: 'Users',
      unit: 'users',
      x,
      series: [{ label: 'Users', color: COLORS.users, values: rows.map((r) => r.users) }],
    },
  };
}

export function histogramChart(
  id: string,
  title: string,
  histogram: ReadonlyArray<readonly [number, number]>,
  color: string = COLORS.histogram,
): HistogramChartSpec | null {
  const bins = logBins(histogram);
  return bins && { kind: 'histogram', id, title, color, ...bins };
}

/** The spectrum of one entry, with its corrected twin drawn alongside when there is one. */
export function spectrumChart(
  id: string,
  title: string,
  entry: Pick<ReportEntry, 'histogram' | 'percentiles'>,
  options: { label?: string; color?: string; corrected?: Pick<ReportEntry, 'histogram' | 'percentiles'> } = {},
): SpectrumChartSpec | null {
  if (!hasSamples(entry)) return null;
  const x = spectrumNines();
  const series: SeriesSpec[] = [{ label: options.label ?? 'Response time', color: options.color ?? COLORS.histogram, values: spectrumValues(entry, x) }];
  if (options.corrected && hasSamples(options.corrected)) {
    series.push({ label: 'Corrected', color: COLORS.corrected, values: spectrumValues(options.corrected, x) });
  }
  return { kind: 'spectrum', id, title, x, series };
}

/** Collects the specs of the charts placed in the page. */
export class ChartSet {
  readonly specs: ChartSpec[] = [];

  /** The chart's container, or a note when there is nothing to draw. */
  place(spec: ChartSpec | null, caption: string, emptyNote = 'No data'): string {
    const head = `<figcaption>${escapeHtml(caption)}</figcaption>`;
    if (!spec) return `<figure class="chart">${head}<p class="no-data">${escapeHtml(emptyNote)}</p></figure>`;
    this.specs.push(spec);
    return `<figure class="chart">${head}<div class="plot" data-chart="${escapeHtml(spec.id)}"></div></figure>`;
  }
}
