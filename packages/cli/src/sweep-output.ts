import type { OutputCsvFile, OutputExtension, OutputSection, OutputTable } from '@locusta/core';
import type { SweepChart, SweepSeries } from '@locusta/report';
import { sweepSection } from '@locusta/report';
import type { SweepPoint } from './sweep-points.ts';
import { figureKeys, findKnee, formatSweepTable, sweepCsv } from './sweep-points.ts';
import type { SweepRunner } from './sweep-runner.ts';

/**
 * The rate sweep as an output family: its table and knee line in the console summary,
 * PREFIX_sweep.csv, NAME_sweep.json, the report's Sweep section (charts against the offered
 * rate) and a web UI tab. Nothing without `--sweep`. Master-side only: the points are judged on
 * the merged statistics, so there is nothing to merge or reset.
 */
export class SweepOutput implements OutputExtension {
  readonly name = 'sweep';
  readonly placement = 'verdicts';
  /** The run's sweep, set when it starts. */
  sweep: SweepRunner | undefined;
  /** Whether the load generator was the limit between two Unix times (client health); set by the CLI. */
  clientLimitedBetween: ((t0: number, t1: number) => boolean) | undefined;

  /** The points, each marked when the client was the limit in it. */
  get #points(): readonly SweepPoint[] | undefined {
    return this.sweep?.points.map((p) => ({ ...p, clientLimited: this.clientLimitedBetween?.(p.start, p.end) ?? false }));
  }

  consoleTable(): string {
    const points = this.#points;
    if (!points) return '';
    const limited = points.filter((p) => p.clientLimited).map((p) => p.index);
    const warning = limited.length
      ? `The client was the bottleneck in point${limited.length > 1 ? 's' : ''} ${limited.join(', ')}: their latencies include client queueing, and the knee may be the client's\n`
      : '';
    return `${formatSweepTable(points)}${findKnee(points).line}\n${warning}`;
  }

  csvFiles(): OutputCsvFile[] {
    const points = this.#points;
    return points ? [{ suffix: 'sweep', content: sweepCsv(points) }] : [];
  }

  json(): unknown {
    const points = this.#points;
    if (!points) return undefined;
    const knee = findKnee(points);
    return { points, knee: { rate: knee.rate, line: knee.line } };
  }

  webTable(): OutputTable | undefined {
    const points = this.#points;
    if (!points || points.length === 0) return undefined;
    const { columns, rows } = tableOf(points);
    return { id: 'sweep', title: 'Sweep', columns, rows };
  }

  htmlSection(): OutputSection | undefined {
    const points = this.#points;
    if (!points) return undefined;
    return { id: 'sweep', title: 'Rate sweep', html: sweepSection({ knee: findKnee(points).line, ...tableOf(points), charts: chartsOf(points) }), scroll: false };
  }
}

function tableOf(points: readonly SweepPoint[]): { columns: string[]; rows: Array<Array<string | number | null>> } {
  const keys = figureKeys(points);
  const round = (v: number | null | undefined) => (typeof v === 'number' ? Math.round(v * 100) / 100 : null);
  return {
    columns: ['Point', 'Kind', 'Offered/s', 'Achieved/s', 'Requests', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'Fail ratio', ...keys, 'Client limited'],
    rows: points.map((p) => [
      p.index, p.kind, round(p.offered), round(p.achieved), p.requests, Math.round(p.p50), Math.round(p.p90), Math.round(p.p99),
      `${(p.failRatio * 100).toFixed(2)}%`, ...keys.map((k) => round(p.figures[k])), p.clientLimited ? 'yes' : '',
    ]),
  };
}

/**
 * The charts against the offered rate (the closed points at the rate they achieved): LLM
 * TTFT, ITL and end-to-end percentiles when the points have them, response times otherwise;
 * then the achieved rate, and the goodput with `--goodput`.
 */
function chartsOf(points: readonly SweepPoint[]): SweepChart[] {
  const x = (p: SweepPoint) => p.offered ?? p.achieved;
  // The throughput point has no offered rate of its own: at its achieved rate it would sit on
  // top of the last rate point, so the charts leave it out.
  const shown = points.filter((p) => p.kind !== 'throughput');
  const series = (name: string, y: (p: SweepPoint) => number | null | undefined, dashed = false): SweepSeries => ({
    name, dashed, values: shown.map((p) => [x(p), y(p) ?? null]),
  });
  const has = (key: string) => shown.some((p) => typeof p.figures[key] === 'number');
  const charts: SweepChart[] = [];
  if (has('llm.e2e_p99')) {
    const llm = (metric: string, title: string): SweepChart => ({
      title, yLabel: 'ms', series: ['p50', 'p90', 'p99'].filter((q) => has(`llm.${metric}_${q}`)).map((q) => series(`${metric} ${q}`, (p) => p.figures[`llm.${metric}_${q}`])),
    });
    charts.push(llm('ttft', 'Time to first token'), llm('itl', 'Inter-token latency'), llm('e2e', 'End-to-end latency'));
  } else {
    charts.push({ title: 'Response time', yLabel: 'ms', series: [series('p50', (p) => p.p50), series('p90', (p) => p.p90), series('p99', (p) => p.p99)] });
  }
  const rates = [series('achieved', (p) => p.achieved), series('offered', (p) => x(p), true)];
  if (has('llm.goodput_rps')) rates.push(series('goodput', (p) => p.figures['llm.goodput_rps']));
  charts.push({ title: 'Achieved rate', yLabel: 'req/s', series: rates });
  return charts;
}
