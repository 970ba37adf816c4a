import { escapeHtml } from './escape.ts';
import { htmlTable, note } from './tables.ts';
import type { Column } from './tables.ts';

/** One line of a sweep chart: y against the offered rate; null where a point has no value. */
export interface SweepSeries {
  name: string;
  values: Array<[x: number, y: number | null]>;
  /** Drawn dashed (a reference, such as achieved = offered). */
  dashed?: boolean;
}

export interface SweepChart {
  title: string;
  yLabel: string;
  series: SweepSeries[];
}

/** The rate sweep's section: the knee, one chart per family of figures, and the points. */
export interface ReportSweep {
  knee: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  charts: SweepChart[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 640;
const H = 300;
const PAD = { left: 64, right: 16, top: 28, bottom: 44 };

/** A round step of about a fifth of `span` (1, 2 or 5 × a power of ten), for the axis ticks. */
function niceStep(span: number): number {
  const raw = span / 5 || 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

const label = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));

/**
 * A line chart as inline SVG: it needs no script, so it shows in the saved report and in any
 * viewer. Both axes start at 0, as rates and latencies do.
 */
export function sweepChartSvg(chart: SweepChart): string {
  const all = chart.series.flatMap((s) => s.values);
  const xs = all.map(([x]) => x);
  const ys = all.flatMap(([, y]) => (y === null || !Number.isFinite(y) ? [] : [y]));
  if (xs.length === 0 || ys.length === 0) return note(`${chart.title}: no values.`);
  const xStep = niceStep(Math.max(...xs));
  const yStep = niceStep(Math.max(...ys));
  const xMax = Math.ceil(Math.max(...xs) / xStep) * xStep || 1;
  const yMax = Math.ceil(Math.max(...ys) / yStep) * yStep || 1;
  const px = (x: number) => PAD.left + (x / xMax) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - (y / yMax) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<line x1="${px(x)}" y1="${py(0)}" x2="${px(x)}" y2="${py(yMax)}" stroke="#eee"/><text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${label(x)}</text>`);
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${px(0)}" y1="${py(y)}" x2="${px(xMax)}" y2="${py(y)}" stroke="#eee"/><text x="${PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  parts.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" text-anchor="middle">offered rate (req/s)</text>`);
  parts.push(`<text x="14" y="${(PAD.top + H - PAD.bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(PAD.top + H - PAD.bottom) / 2})">${escapeHtml(chart.yLabel)}</text>`);
  parts.push(`<text x="${PAD.left}" y="16" font-weight="600">${escapeHtml(chart.title)}</text>`);
  const legend: string[] = [];
  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.values.filter((v): v is [number, number] => v[1] !== null && Number.isFinite(v[1])).sort((a, b) => a[0] - b[0]);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    legend.push(`<span style="color:${color}">&#9632;</span> ${escapeHtml(s.name)}`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-size="11" font-family="sans-serif" role="img" aria-label="${escapeHtml(chart.title)}">${parts.join('')}</svg>`;
  return `<figure class="sweep-chart">${svg}<figcaption>${legend.join(' &nbsp; ')}</figcaption></figure>`;
}

export function sweepSection(sweep: ReportSweep): string {
  const out = [`<p class="knee"><strong>${escapeHtml(sweep.knee)}</strong></p>`];
  if (sweep.rows.length === 0) return out.concat(note('No sweep point was run.')).join('');
  out.push(...sweep.charts.map(sweepChartSvg));
  const columns: Column[] = sweep.columns.map((head, i) => ({ head, num: i !== 1 }));
  const rows = sweep.rows.map((r) => ({ cells: r.map((c) => escapeHtml(c === null ? '–' : String(c))) }));
  out.push(`<div class="table-wrap">${htmlTable(columns, rows)}</div>`);
  return out.join('');
}
