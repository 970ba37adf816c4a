import type UPlot from 'uplot';
import type { ChartSpec, HistogramChartSpec, SeriesSpec, SpectrumChartSpec, TimeChartSpec } from '../chart-specs.ts';
import { NO_VALUE } from '../format.ts';
import { chartCount, chartNumber, ninesLabel } from './chart-format.ts';

// The report's page script, inlined after uPlot: reads the chart specs embedded as JSON and draws
// each with uPlot. Each container gets data-drawn="true" on its first draw, and
// window.__reportReady turns true once every chart has drawn, so tests and tools can wait for it.

/** uPlot's IIFE build, inlined before this script, defines the global. */
declare const uPlot: typeof UPlot;

interface Chart {
  opts: Omit<UPlot.Options, 'width' | 'height'>;
  data: UPlot.AlignedData;
}

interface Drawn {
  el: HTMLElement;
  plot: UPlot;
}

const HEIGHT = 240;
const page = window as Window & { __reportReady?: boolean };

let specs: ChartSpec[] = [];
try {
  specs = (JSON.parse(document.getElementById('report-data')!.textContent || '{}') as { charts?: ChartSpec[] }).charts || [];
} catch (err) {
  console.error('Report data could not be read', err);
}
let pending = specs.length;
const plots: Drawn[] = [];

function finishOne(): void {
  pending -= 1;
  if (pending <= 0) page.__reportReady = true;
}

function widthOf(el: HTMLElement): number {
  return Math.max(240, el.clientWidth || (el.parentElement && el.parentElement.clientWidth) || 600);
}

function zeroToMax(_u: UPlot, _min: number, max: number): UPlot.Range.MinMax {
  return max == null || !isFinite(max) || max <= 0 ? [0, 1] : [0, max * 1.08];
}

function yAxis(label: string): UPlot.Axis {
  return { label, size: 60, values: (_u, splits) => splits.map(chartNumber) };
}

function line(s: SeriesSpec, unit: string): UPlot.Series {
  const value = (_u: UPlot, v: number | null) => (v == null ? NO_VALUE : `${chartNumber(v)} ${unit}`);
  // Marks: a dot at each value, no line between them (e.g. the seconds a condition held).
  if (s.marks) return { label: s.label, stroke: s.color, width: 0, paths: () => null, points: { show: true, size: 9, stroke: s.color, fill: s.color }, value };
  return { label: s.label, stroke: s.color, width: 1.5, value };
}

// Labels at 1, 2 and 5 times a power of ten when a decade is wide enough, else at powers of
// ten only; the other grid lines stay unlabelled.
function logLabels(u: UPlot, splits: number[]): string[] {
  const decadePx = Math.abs(u.valToPos(10, 'x') - u.valToPos(1, 'x'));
  return splits.map((v) => {
    if (v == null || v <= 0) return '';
    const m = Math.round((v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9))) * 100) / 100;
    return m === 1 || (decadePx >= 90 && (m === 2 || m === 5)) ? chartNumber(v) : '';
  });
}

function allSplits(_u: UPlot, splits: number[]): number[] {
  return splits;
}

function timeChart(spec: TimeChartSpec): Chart {
  return {
    opts: {
      // Room on the right for the last tick label (uPlot centres it on the plot's edge).
      padding: [null, 28, null, null],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'UTC'),
      scales: {
        // uPlot widens a lone point to 1000 days; half a minute each side reads better.
        x: { time: true, range: (_u, min, max) => (spec.x.length === 1 ? [spec.x[0]! - 30, spec.x[0]! + 30] : [min, max]) },
        y: { range: zeroToMax },
      },
      series: [{ label: 'Time (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}' } as UPlot.Series].concat(spec.series.map((s) => line(s, spec.unit))),
      axes: [{}, yAxis(spec.unit)],
    },
    data: [spec.x, ...spec.series.map((s) => s.values)],
  };
}

function histogramChart(spec: HistogramChartSpec): Chart {
  const last = spec.hi.length - 1;
  // Bars sit at the geometric middle of their bin, which is the middle on a log axis.
  const mids = spec.lo.map((lo, i) => Math.sqrt(Math.max(lo, 1e-9) * spec.hi[i]!));
  const maxCount = Math.max(...spec.counts, 0);
  return {
    opts: {
      padding: [null, 28, null, null],
      // Fixed extents (bin edges), so no drag-to-zoom here.
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, distr: 3, log: 10, range: () => [Math.max(spec.lo[0]!, 1e-9), spec.hi[last]!] },
        y: { range: () => [0, maxCount > 0 ? maxCount * 1.08 : 1] },
      },
      series: [
        {
          label: 'Bin',
          value: (_u, _v, _si, idx) => (idx == null ? NO_VALUE : `${chartNumber(spec.lo[idx])}\u2013${chartNumber(spec.hi[idx])} ms`),
        },
        {
          label: 'Count',
          stroke: spec.color,
          fill: `${spec.color}aa`,
          width: 1,
          points: { show: false },
          paths: uPlot.paths.bars!({ size: [0.9, Infinity, 1], align: 0 }),
          value: (_u, _v, _si, idx) => (idx == null ? NO_VALUE : chartCount(spec.counts[idx])),
        },
      ],
      axes: [{ label: 'ms', space: 24, filter: allSplits, values: logLabels }, yAxis('count')],
    },
    // Empty bins are left out rather than drawn as a flat stroke on the axis.
    data: [mids, spec.counts.map((c) => (c > 0 ? c : null))],
  };
}

function spectrumChart(spec: SpectrumChartSpec): Chart {
  const ticks = [0, 1, 2, 3, 4, 5];
  return {
    opts: {
      // Room on the right for the last tick label, 99.999%.
      padding: [null, 28, null, null],
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [0, 5] }, y: { range: zeroToMax } },
      series: [{ label: 'Percentile', value: (_u, v) => (v == null ? NO_VALUE : ninesLabel(v)) } as UPlot.Series].concat(spec.series.map((s) => line(s, 'ms'))),
      axes: [{ label: 'percentile', splits: () => ticks, values: (_u, splits) => splits.map(ninesLabel) }, yAxis('ms')],
    },
    data: [spec.x, ...spec.series.map((s) => s.values)],
  };
}

const BUILDERS: Record<string, ((spec: never) => Chart) | undefined> = { time: timeChart, histogram: histogramChart, spectrum: spectrumChart };

function draw(spec: ChartSpec): void {
  const el = document.querySelector<HTMLElement>(`[data-chart="${CSS.escape(String(spec.id))}"]`);
  if (!el) {
    finishOne();
    return;
  }
  try {
    const build = BUILDERS[spec.kind];
    if (!build) throw new Error(`unknown chart kind ${spec.kind}`);
    const chart = build(spec as never);
    const opts: UPlot.Options = {
      ...chart.opts,
      width: widthOf(el),
      height: HEIGHT,
      hooks: {
        draw: [
          () => {
            if (el.getAttribute('data-drawn') === 'true') return;
            el.setAttribute('data-drawn', 'true');
            finishOne();
          },
        ],
      },
    };
    plots.push({ el, plot: new uPlot(opts, chart.data, el) });
    // The canvas alone says nothing to a screen reader.
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', String(spec.title || ''));
  } catch (err) {
    el.textContent = 'This chart could not be drawn.';
    el.setAttribute('data-drawn', 'error');
    console.error(`Chart ${spec.id} failed`, err);
    finishOne();
  }
}

if (pending === 0) page.__reportReady = true;
specs.forEach(draw);

let resizeTimer = 0;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    plots.forEach((p) => p.plot.setSize({ width: widthOf(p.el), height: HEIGHT }));
  }, 100);
});
