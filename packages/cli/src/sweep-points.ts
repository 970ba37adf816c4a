import { csvRow, pyFixed, pyFloat } from '@locusta/stats';

/** What load a sweep point sends. */
export type SweepPointKind = 'synchronous' | 'throughput' | 'rate';

/**
 * One point of a rate sweep, judged on the requests started in it (see SweepRunner). Plain
 * data: the console table, the CSV, the JSON, the report and the web UI all read this, and a
 * family of statistics adds its own figures to `figures` through `OutputExtension.windowFigures`.
 */
export interface SweepPoint {
  /** 1-based, in the order run. */
  index: number;
  kind: SweepPointKind;
  /** Tasks per second offered (an open workload); null for the closed synchronous and throughput points. */
  offered: number | null;
  /** Users: 1 (synchronous), -u (throughput), or the most a rate point may use. */
  users: number;
  /** Unix seconds: when the point started sending, and when its window closed (after the drain). */
  start: number;
  end: number;
  /** Seconds the point sent for: the achieved rate is requests over this. */
  seconds: number;
  requests: number;
  failures: number;
  /** Requests per second started in the point (and ended by its window's close). */
  achieved: number;
  /** Response times in ms. */
  p50: number;
  p90: number;
  p99: number;
  failRatio: number;
  /**
   * How far below the offered rate the achieved one may fall and the point still keep up: 5 %,
   * or more for random arrivals, whose count in a short point varies by itself (see sweepShortfall).
   */
  shortfall: number;
  /** Figures of other families over the point, keyed `family.figure` (e.g. `llm.e2e_p99`). */
  figures: Record<string, number | null>;
  /** The load generator was the limit in part of the point (client health): its latencies include client queueing. */
  clientLimited?: boolean;
}

/** The knee rule's bounds, documented in the README ("Rate sweep"). */
export const KNEE_RATE_SHORTFALL = 0.05;
const KNEE_LATENCY_FACTOR = 3;
const KNEE_FAIL_RATIO = 0.01;

/**
 * The shortfall a rate point may show and still keep up: 5 %, or three standard deviations of
 * its count of arrivals when they are random (about cv·√n of n arrivals, cv = 1 for Poisson,
 * 1/√B for gamma of burstiness B, 0 for even spacing), whichever is larger. Without it a short
 * Poisson point would miss 5 % by chance alone.
 */
export function sweepShortfall(cv: number, offered: number, seconds: number): number {
  const n = offered * seconds;
  return n > 0 ? Math.max(KNEE_RATE_SHORTFALL, (3 * cv) / Math.sqrt(n)) : KNEE_RATE_SHORTFALL;
}

/**
 * The rates a sweep offers after its synchronous and throughput points: `count` rates evenly
 * spaced above the synchronous rate, the last one the throughput rate (GuideLLM's sweep of
 * count + 2 benchmarks).
 */
export function sweepRates(synchronous: number, throughput: number, count: number): number[] {
  const top = Math.max(throughput, synchronous);
  return Array.from({ length: count }, (_, i) => synchronous + ((top - synchronous) * (i + 1)) / count);
}

/** The latency the knee is judged on: end-to-end of LLM generations when there are any, else of requests. */
function kneeLatency(p: SweepPoint): { label: string; p50: number; p99: number } {
  const e2e = p.figures['llm.e2e_p99'];
  const e2e50 = p.figures['llm.e2e_p50'];
  return typeof e2e === 'number' ? { label: 'p99 e2e', p50: typeof e2e50 === 'number' ? e2e50 : e2e, p99: e2e } : { label: 'p99 response time', p50: p.p50, p99: p.p99 };
}

/** Why a rate point is past the knee, or undefined if it kept up (against the synchronous point). */
function pastKnee(p: SweepPoint, synchronous: SweepPoint): string | undefined {
  if (p.requests === 0) return 'no requests';
  if (p.offered !== null && p.achieved < p.offered * (1 - p.shortfall)) return 'rate not achieved';
  if (p.failRatio > KNEE_FAIL_RATIO) return 'failures';
  // The median of the synchronous point is the unloaded latency: its p99 rests on a few
  // samples (and the first connection), too noisy to be the yardstick.
  if (kneeLatency(p).p99 > KNEE_LATENCY_FACTOR * kneeLatency(synchronous).p50) return 'latency';
  return undefined;
}

export interface Knee {
  /** The last rate that kept up (the synchronous rate if none did); null without a synchronous point. */
  rate: number | null;
  /** The first rate point past the knee, if any. */
  above: SweepPoint | undefined;
  line: string;
}

/**
 * The knee: the highest offered rate below the first rate point that did not keep up, where
 * keeping up means an achieved rate within 5 % of the offered one (more for random arrivals:
 * sweepShortfall), at most 1 % failed, and a
 * p99 latency at most 3× the synchronous point's median (the unloaded latency).
 */
export function findKnee(points: readonly SweepPoint[]): Knee {
  const sync = points.find((p) => p.kind === 'synchronous');
  if (!sync || sync.requests === 0) return { rate: null, above: undefined, line: 'Knee: not found: the synchronous point made no requests' };
  const rates = points.filter((p) => p.kind === 'rate').sort((a, b) => (a.offered ?? 0) - (b.offered ?? 0));
  const fmt = (r: number) => pyFixed(r, 1);
  const firstBad = rates.findIndex((p) => pastKnee(p, sync) !== undefined);
  if (rates.length === 0) return { rate: sync.achieved, above: undefined, line: `Knee: not found: no rate point was run (synchronous ${fmt(sync.achieved)} req/s)` };
  if (firstBad < 0) {
    const top = rates.at(-1)!;
    return { rate: top.offered, above: undefined, line: `Knee: not reached: every rate up to ${fmt(top.offered ?? 0)} req/s kept up` };
  }
  const above = rates[firstBad]!;
  const below = firstBad > 0 ? rates[firstBad - 1]! : sync;
  const rate = below.offered ?? below.achieved;
  const { label, p99: from } = kneeLatency(below);
  const to = kneeLatency(above).p99;
  const line =
    `Knee: ~${fmt(rate)} req/s: above it ${label} rises from ${Math.round(from)} ms to ${Math.round(to)} ms ` +
    `(${fmt(above.offered ?? 0)} req/s offered, ${fmt(above.achieved)} achieved${above.failRatio > 0 ? `, ${pyFixed(above.failRatio * 100, 1)}% failed` : ''})`;
  return { rate, above, line };
}

/** The figure keys present in any point, in the order first seen. */
export function figureKeys(points: readonly SweepPoint[]): string[] {
  const keys = new Set<string>();
  for (const p of points) for (const k of Object.keys(p.figures)) keys.add(k);
  return [...keys];
}

const pointName = (p: SweepPoint): string => (p.kind === 'rate' ? 'rate' : p.kind);
const figure = (v: number | null | undefined): string => (typeof v === 'number' ? pyFixed(v, 2) : '');

/** The sweep table for the console, ending with a blank line as Locust's tables; the knee line after it. */
export function formatSweepTable(points: readonly SweepPoint[]): string {
  const keys = figureKeys(points).filter((k) => /_p(50|99)$|goodput/.test(k));
  const header = ['Point', 'Kind', 'Offered/s', 'Achieved/s', 'Requests', 'p50', 'p90', 'p99', 'Fail ratio', ...keys, 'Client limited'];
  const rows = points.map((p) => [
    String(p.index), pointName(p), p.offered === null ? '-' : pyFixed(p.offered, 2), pyFixed(p.achieved, 2), String(p.requests),
    String(Math.round(p.p50)), String(Math.round(p.p90)), String(Math.round(p.p99)), `${pyFixed(p.failRatio * 100, 2)}%`,
    ...keys.map((k) => figure(p.figures[k]) || '-'),
    p.clientLimited ? 'yes' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ');
  const separator = widths.map((n) => '-'.repeat(n)).join('-|-');
  return [line(header), separator, ...rows.map(line)].join('\n') + '\n\n';
}

export const SWEEP_CSV_HEADER: readonly string[] = Object.freeze([
  'Point', 'Kind', 'Offered Rate', 'Achieved Rate', 'Users', 'Start Time', 'End Time', 'Seconds', 'Requests', 'Failures',
  '50%', '90%', '99%', 'Failure Ratio', 'Client Limited',
]);

/** The points as CSV (csv.writer style): times as Unix seconds, so a point's window can be matched exactly; then the families' figures. */
export function sweepCsv(points: readonly SweepPoint[]): string {
  const keys = figureKeys(points);
  let out = csvRow([...SWEEP_CSV_HEADER, ...keys]);
  for (const p of points) {
    out += csvRow([
      p.index, p.kind, p.offered === null ? '' : pyFloat(p.offered), pyFloat(p.achieved), p.users, pyFixed(p.start, 3), pyFixed(p.end, 3),
      pyFloat(p.seconds), p.requests, p.failures, String(Math.round(p.p50)), String(Math.round(p.p90)), String(Math.round(p.p99)),
      pyFloat(p.failRatio), p.clientLimited ? 1 : 0, ...keys.map((k) => figure(p.figures[k])),
    ]);
  }
  return out;
}
