import type UPlot from 'uplot';
import type { HistoryRow } from './api.ts';
import { round } from './text.ts';

// The Charts tab: requests/s, response times and users over time, drawn with uPlot (loaded by
// its own script element before this one) from the server's history.

/** uPlot's IIFE build defines the global; it is absent when its script did not load. */
declare const uPlot: typeof UPlot | undefined;

type SeriesKey = 't' | 'rps' | 'fails' | 'p50' | 'p95' | 'users';

interface Line {
  key: Exclude<SeriesKey, 't'>;
  label: string;
  color: string;
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
  private series: Record<SeriesKey, Array<number | null>> = { t: [], rps: [], fails: [], p50: [], p95: [], users: [] };
  private readonly charts: Chart[] = [];

  /** Makes the charts, or says in the first container that uPlot is missing. */
  constructor(byId: (id: string) => HTMLElement) {
    if (typeof uPlot === 'function') {
      this.make(byId('chart-rps'), 'Total Requests per Second', [{ key: 'rps', label: 'RPS', color: '#15803d' }, { key: 'fails', label: 'Failures/s', color: '#c62828' }], 'per second');
      this.make(byId('chart-response-times'), 'Response Times (ms)', [{ key: 'p50', label: '50th percentile', color: '#d97706' }, { key: 'p95', label: '95th percentile', color: '#7c3aed' }], 'ms');
      this.make(byId('chart-users'), 'Number of Users', [{ key: 'users', label: 'Users', color: '#2563eb' }], 'users');
    } else {
      byId('chart-rps').textContent = 'Charts are unavailable: the chart library did not load.';
    }
  }

  private make(el: HTMLElement, title: string, lines: Line[], yLabel: string): void {
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
    this.charts.push({ plot: new uPlot!(opts, this.data(lines), el), lines });
  }

  private data(lines: Line[]): UPlot.AlignedData {
    return [this.series.t as number[], ...lines.map((l) => this.series[l.key])];
  }

  /** Appends samples of the server's history. */
  add(rows: readonly HistoryRow[]): void {
    const series = this.series;
    for (const r of rows) {
      series.t.push(Date.parse(r.time) / 1000);
      series.rps.push(r.current_rps[1]);
      series.fails.push(r.current_fail_per_sec[1]);
      series.p50.push(r['response_time_percentile_0.5'][1]);
      series.p95.push(r['response_time_percentile_0.95'][1]);
      series.users.push(r.user_count[1]);
    }
    if (series.t.length > MAX_POINTS) {
      // Keep the whole span at half the resolution, as the server does.
      for (const k of Object.keys(series) as SeriesKey[]) {
        const a = series[k];
        series[k] = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
      }
    }
  }

  /** Forgets every sample (drawn at the next redraw). */
  clear(): void {
    for (const k of Object.keys(this.series) as SeriesKey[]) this.series[k] = [];
  }

  redraw(): void {
    const last = this.series.t.length - 1;
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
