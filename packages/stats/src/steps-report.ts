import { csvRow } from './csv-report.ts';
import { formatUtcSeconds, padLeft, pyFixed, pyFloat } from './py-format.ts';
import { checkSlos, formatSlo, parseSlo } from './slo.ts';
import type { Slo, SloResult } from './slo.ts';
import type { WindowStats } from './stats-window.ts';

/** One step of a stepped load test, judged on its own window of the stats. */
export interface StepResult {
  /** 1-based. */
  step: number;
  users: number;
  /** Unix seconds (float) of the step's window. */
  start: number;
  end: number;
  requests: number;
  failures: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p95: number;
  p99: number;
  /** failures / requests, 0..1. */
  failRatio: number;
  pass: boolean;
  /** Canonical texts (formatSlo) of the SLOs that failed in this step. */
  failed: string[];
  /** Each SLO with the value it measured on the step's window (what `--junit` shows). */
  checks?: SloResult[];
}

export const STEPS_CSV_HEADER: readonly string[] = Object.freeze([
  'Step', 'User Count', 'Start Time', 'End Time', 'Requests', 'Failures', 'Requests/s', '50%', '95%', '99%',
  'Failure Ratio', 'Result', 'Failed SLOs',
]);

/** A step's result from its window (Aggregated) and the SLOs it is judged by (all on the window). */
export function stepResult(step: number, users: number, window: WindowStats, slos: readonly Slo[] = []): StepResult {
  const t = window.total;
  const [p50 = 0, p95 = 0, p99 = 0] = t.responseTimePercentiles([0.5, 0.95, 0.99]);
  // A step that made no request cannot be judged: it fails rather than passing on no data.
  const checks = checkSlos(slos, window);
  const failed = t.numRequests === 0 ? ['no requests'] : checks.filter((c) => !c.pass).map((c) => formatSlo(c.slo));
  return {
    step, users, start: window.start, end: window.end, requests: t.numRequests, failures: t.numFailures, rps: t.rps,
    p50, p95, p99, failRatio: t.failRatio, pass: failed.length === 0, failed, checks,
  };
}

const result = (s: StepResult): string => (s.pass ? 'PASS' : 'FAIL');

/**
 * The steps table for the console, ending with a blank line as Locust's tables. A step marked in
 * `clientLimited` says so after its result: the load generator was its own bottleneck then.
 */
export function formatStepsTable(steps: readonly StepResult[], clientLimited: readonly boolean[] = []): string {
  const header = ['Step', 'Users', 'Req/s', 'p50', 'p95', 'p99', 'Fail ratio'];
  const rows = steps.map((s) => [
    String(s.step), String(s.users), pyFixed(s.rps, 2), String(Math.round(s.p50)), String(Math.round(s.p95)),
    String(Math.round(s.p99)), `${pyFixed(s.failRatio * 100, 2)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length + 1, 7, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], last: string) => `${cells.map((c, i) => padLeft(c, widths[i] ?? 0)).join(' ')} ${last}`;
  const separator = [...widths, 6].map((n) => '-'.repeat(n)).join('|');
  const lines = [line(header, 'Result'), separator];
  steps.forEach((s, i) => {
    const failed = s.failed.length > 0 ? ` (${s.failed.join(', ')})` : '';
    const client = clientLimited[i] === true ? ' [client-limited]' : '';
    lines.push(line(rows[i] ?? [], `${result(s)}${failed}${client}`));
  });
  return lines.join('\n') + '\n\n';
}

/** The steps as CSV (csv.writer style, '\r\n' lines); times as ISO UTC seconds, failed SLOs joined by "; ". */
export function stepsCsv(steps: readonly StepResult[]): string {
  let out = csvRow(STEPS_CSV_HEADER);
  for (const s of steps) {
    out += csvRow([
      s.step, s.users, formatUtcSeconds(s.start), formatUtcSeconds(s.end), s.requests, s.failures, pyFloat(s.rps),
      String(Math.round(s.p50)), String(Math.round(s.p95)), String(Math.round(s.p99)), pyFloat(s.failRatio), result(s),
      s.failed.join('; '),
    ]);
  }
  return out;
}

/** The canonical form of an SLO text, or the text itself if it does not parse. */
function canonical(text: string): string {
  try {
    return formatSlo(parseSlo(text));
  } catch {
    return text.trim();
  }
}

/**
 * Where the load saturated, judged by one SLO: `Saturation: p99<1000 first failed at 40 users
 * (last passing step: 30 users)`, or `... never failed up to 100 users`. Without an SLO text,
 * by each step's overall result. One line, no newline.
 */
export function formatSaturation(steps: readonly StepResult[], sloText?: string): string {
  const label = sloText === undefined ? 'Saturation:' : `Saturation: ${canonical(sloText)}`;
  if (steps.length === 0) return `${label} no steps were run`;
  const wanted = sloText === undefined ? null : canonical(sloText);
  const fails = (s: StepResult) => (wanted === null ? !s.pass : s.failed.some((f) => canonical(f) === wanted));
  const silent = steps.find((s) => s.requests === 0);
  const first = steps.findIndex(fails);
  // A step without requests ends the search before the SLO could be judged there.
  if (silent && (first < 0 || steps.indexOf(silent) < first)) {
    return `${label} not found: step ${silent.step} (${silent.users} users) made no requests`;
  }
  if (first < 0) return `${label} never failed up to ${Math.max(...steps.map((s) => s.users))} users`;
  const failing = steps[first] as StepResult;
  const before = steps[first - 1];
  const last = before === undefined ? 'no step passed' : `last passing step: ${before.users} users`;
  return `${label} ${sloText === undefined ? 'first failing step' : 'first failed'} at ${failing.users} users (${last})`;
}
