import type UPlot from 'uplot';
import type { ExtraChart } from './api.ts';
import { round } from './text.ts';

// Charts over time an extra table brings (the client's CPU and loop lag), drawn under its table
// with uPlot from the data polled with it; a `marks` series is dots at its values, no line.

/** uPlot's IIFE build defines the global; it is absent when its script did not load. */
declare const uPlot: typeof UPlot | undefined;

const HEIGHT = 220;

interface Drawn {
  plot: UPlot;
  /** The series' labels and kinds it was made with: other ones make it again. */
  shape: string;
}

/** The charts of one tab, by chart id, in their container. */
export class ExtraCharts {
  readonly el: HTMLElement;
  private readonly drawn: Record<string, Drawn> = {};

  constructor(section: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'charts extra-charts';
    section.appendChild(this.el);
  }

  render(charts: readonly ExtraChart[]): void {
    if (typeof uPlot !== 'function') return;
    const ids: Record<string, boolean> = {};
    charts.forEach((c) => {
      ids[c.id] = true;
      const shape = JSON.stringify([c.unit, c.caption, c.series.map((s) => [s.label, s.color, !!s.marks])]);
      const data: UPlot.AlignedData = [c.x, ...c.series.map((s) => s.values)];
      const known = this.drawn[c.id];
      if (known && known.shape === shape) {
        known.plot.setData(data);
        known.plot.root.parentElement!.dataset.points = String(c.x.length);
        return;
      }
      if (known) known.plot.root.parentElement!.remove();
      const box = document.createElement('div');
      box.className = 'chart';
      box.dataset.chart = c.id;
      // How many points it holds: what tests and tools can read without looking at pixels.
      box.dataset.points = String(c.x.length);
      this.el.appendChild(box);
      this.drawn[c.id] = { plot: new uPlot!(options(c, box), data, box), shape };
    });
    Object.keys(this.drawn).forEach((id) => {
      if (ids[id]) return;
      this.drawn[id]!.plot.root.parentElement!.remove();
      delete this.drawn[id];
    });
  }
}

function options(c: ExtraChart, box: HTMLElement): UPlot.Options {
  const value = (_u: UPlot, v: number | null) => (v === null || v === undefined ? '--' : `${round(v, 1)} ${c.unit}`);
  return {
    title: c.caption,
    width: Math.max(320, (box.clientWidth || (box.parentNode as HTMLElement).clientWidth || 900) - 16),
    height: HEIGHT,
    padding: [null, 36, null, null],
    scales: { x: { time: true } },
    series: [{} as UPlot.Series].concat(
      c.series.map((s) =>
        s.marks
          ? { label: s.label, stroke: s.color, width: 0, paths: () => null, points: { show: true, size: 9, stroke: s.color, fill: s.color }, value }
          : { label: s.label, stroke: s.color, width: 2, points: { show: false }, value },
      ),
    ),
    axes: [{ space: 90 }, { label: c.unit, size: 60 }],
  };
}
