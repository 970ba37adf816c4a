import type UPlot from 'uplot';
import type { HistoryRow } from './api.ts';
import { round } from './text.ts';

// The Charts tab: requests/s, response times and users over time, drawn with uPlot (loaded by
// its own script element before this one) from the server's history.

/** uPlot's IIFE build defines the global; it is absent when its script did not load. */
declare const uPlot: typeof UPlot | undefined;

/** 't', 'rps', 'fails', 'users', or a history row's `response_time_percentile_<p>` key. */
type SeriesKey = string;

interface Line {
  key: SeriesKey;
  label: string;
  color: string;
}

const PERCENTILE_PREFIX = 'response_time_percentile_';
// One colour for each of the at most 6 PERCENTILES_TO_CHART (the first two as before).
const PERCENTILE_COLOURS = ['#d97706', '#7c3aed', '#0891b2', '#be185d', '#4d7c0f', '#475569'];

/** "50th percentile", "99.9th percentile", "1st percentile" for a fraction such as 0.5. */
export function percentileLabel(p: number): string {
  const n = Math.round(p * 100 * 1e6) / 1e6;
  const whole = Number.isInteger(n) ? n : -1;
  const suffix = whole % 100 >= 11 && whole % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[whole % 10] ?? 'th';
  return `${n}${suffix} percentile`;
}

/** A line for each `response_time_percentile_<p>` key, lowest percentile first. */
function percentileLines(keys: readonly string[]): Line[] {
  return keys
    .filter((k) => k.startsWith(PERCENTILE_PREFIX))
    .map((key) => ({ key, p: Number(key.slice(PERCENTILE_PREFIX.length)) }))
    .sort((a, b) => a.p - b.p)
    .map(({ key, p }, i) => ({ key, label: percentileLabel(p), color: PERCENTILE_COLOURS[i % PERCENTILE_COLOURS.length]! }));
}

interface Chart {
  plot: UPlot;
  lines: Line[];
}

const MAX_POINTS = 10000;
const HEIGHT = 260;
// Whole-second ticks only (uPlot would otherwise label a short run in milliseconds).
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function timeLabels(_u: UPlot, splits: number[]): string[] {
  return splits.map((t) => {
    const d = new Date(t * 1000);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  });
}

function chartWidth(el: HTMLElement): number {
  return Math.max(320, (el.clientWidth || (el.parentNode as HTMLElement).clientWidth || 900) - 16);
}

/** The three charts and the series they draw, kept for the whole span at most MAX_POINTS long. */
export class LiveCharts {
  private series: Record<SeriesKey, Array<number | null>> = { t: [], rps: [], fails: [], users: [] };
  private readonly charts: Chart[] = [];
  /** The response times' chart: Locust's default lines until rows bring the percentiles the server charts. */
  private responseTimes: Chart | undefined;

  /** Makes the charts, or says in the first container that uPlot is missing. */
  constructor(byId: (id: string) => HTMLElement) {
    if (typeof uPlot === 'function') {
      this.make(byId('chart-rps'), 'Total Requests per Second', [{ key: 'rps', label: 'RPS', color: '#15803d' }, { key: 'fails', label: 'Failures/s', color: '#c62828' }], 'per second');
      this.responseTimes = this.make(byId('chart-response-times'), 'Response Times (ms)', percentileLines(['response_time_percentile_0.5', 'response_time_percentile_0.95']), 'ms');
      this.make(byId('chart-users'), 'Number of Users', [{ key: 'users', label: 'Users', color: '#2563eb' }], 'users');
    } else {
      byId('chart-rps').textContent = 'Charts are unavailable: the chart library did not load.';
    }
  }

  private make(el: HTMLElement, title: string, lines: Line[], yLabel: string): Chart {
    const opts: UPlot.Options = {
      title,
      width: chartWidth(el),
      height: HEIGHT,
      // Room on the right for half of the last time label, which uPlot centres on its tick and
      // the canvas edge would otherwise cut.
      padding: [null, 36, null, null],
      scales: { x: { time: true } },
      series: [{ value: (u, t) => (t === null || t === undefined ? '--' : timeLabels(u, [t])[0]!) } as UPlot.Series].concat(
        lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, points: { show: false }, value: (_u: UPlot, v: number | null) => (v === null || v === undefined ? '--' : round(v, 2)) })),
      ),
      axes: [{ space: 90, incrs: TIME_STEPS, values: timeLabels }, { label: yLabel, size: 60 }],
    };
    const chart = { plot: new uPlot!(opts, this.data(lines), el), lines };
    this.charts.push(chart);
    return chart;
  }

  private data(lines: Line[]): UPlot.AlignedData {
    return [this.series['t'] as number[], ...lines.map((l) => (this.series[l.key] ??= this.series['t']!.map(() => null)))];
  }

  /** Appends samples of the server's history. */
  add(rows: readonly HistoryRow[]): void {
    const series = this.series;
    // The response time lines are the percentiles the server charts (PERCENTILES_TO_CHART): a
    // user file that changes them gets its chart made again with its lines.
    const old = this.responseTimes;
    if (old && rows.length > 0) {
      const lines = percentileLines(Object.keys(rows[0]!));
      if (lines.map((l) => l.key).join() !== old.lines.map((l) => l.key).join()) {
        const el = old.plot.root.parentNode as HTMLElement;
        old.plot.destroy();
        this.charts.splice(this.charts.indexOf(old), 1);
        this.responseTimes = this.make(el, 'Response Times (ms)', lines, 'ms');
      }
    }
    for (const r of rows) {
      series['t']!.push(Date.parse(r.time) / 1000);
      series['rps']!.push(r.current_rps[1]);
      series['fails']!.push(r.current_fail_per_sec[1]);
      series['users']!.push(r.user_count[1]);
      for (const k of Object.keys(r)) if (k.startsWith(PERCENTILE_PREFIX)) (series[k] ??= []).push(r[k as `${typeof PERCENTILE_PREFIX}${number}`][1]);
    }
    if (series['t']!.length > MAX_POINTS) {
      // Keep the whole span at half the resolution, as the server does.
      for (const k of Object.keys(series)) {
        const a = series[k];
        series[k] = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      }
    }
  }

  /** Forgets every sample (drawn at the next redraw). */
  clear(): void {
    for (const k of Object.keys(this.series)) this.series[k] = [];
  }

  redraw(): void {
    const last = this.series['t']!.length - 1;
    for (const c of this.charts) {
      c.plot.setData(this.data(c.lines));
      // Between hovers the legend shows the latest values instead of dashes.
      if (last >= 0 && (c.plot.cursor.idx === null || c.plot.cursor.idx === undefined)) c.plot.setLegend({ idx: last });
    }
  }

  /** Fits the charts to their containers' width (a hidden tab has none until shown). */
  resize(): void {
    for (const c of this.charts) {
      const w = chartWidth(c.plot.root.parentNode as HTMLElement);
      if (w !== c.plot.width) c.plot.setSize({ width: w, height: HEIGHT });
    }
  }
}
