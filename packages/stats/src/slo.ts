import type { JsHistogram } from 'hdr-histogram-js';
import { addBuckets, toBuckets } from './histogram-codec.ts';
import { createHistogram } from './histogram.ts';
import { padLeft, padRight, pyFixed } from './py-format.ts';
import { RequestStats } from './request-stats.ts';
import { StatsEntry } from './stats-entry.ts';
import { SloError } from './slo-error.ts';
import type { WindowStats } from './stats-window.ts';
import { WindowEntry } from './window-entry.ts';

// Service level objectives checked against the stats: `[NAME:]METRIC OP NUMBER`, e.g.
// `p95<500`, `GET /api:p99<=300`, `http://x:8080/a:fail_ratio<0.01`, `rps>=100`.

export type SloMetric = 'percentile' | 'avg' | 'min' | 'max' | 'median' | 'fail_ratio' | 'rps' | 'fail_rps' | 'requests';
export type SloOperator = '<' | '<=' | '>' | '>=';

export interface Slo {
  /**
   * What the SLO looks at: null for Aggregated; otherwise the entries of that name (any method,
   * merged), or, when no entry has that name, the text read as `METHOD name`.
   */
  readonly target: string | null;
  readonly metric: SloMetric;
  /** For metric 'percentile': 0..100 (p99.9 is 99.9; p100 is the max). Otherwise null. */
  readonly percentile: number | null;
  readonly op: SloOperator;
  /** Milliseconds for response times; a fraction (0..1) for fail_ratio; per second for rates. */
  readonly threshold: number;
}

/** The value an SLO measured (null: no data) and whether it holds. */
export interface SloValue {
  value: number | null;
  pass: boolean;
}

export interface SloResult extends SloValue {
  slo: Slo;
}

/** The cumulative stats of the run, or a window of them (windowSince). */
export type SloSource = RequestStats | WindowStats;

const NAMED_METRICS: ReadonlySet<string> = new Set(['avg', 'min', 'max', 'median', 'fail_ratio', 'rps', 'fail_rps', 'requests']);
const TIME_METRICS: ReadonlySet<SloMetric> = new Set(['percentile', 'avg', 'min', 'max', 'median']);
const METRIC_HELP = 'use pNN (e.g. p95, p99.9), avg, min, max, median, fail_ratio, rps, fail_rps or requests';
const OPERATORS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

type Expression = Omit<Slo, 'target'>;

/** One METRIC OP NUMBER, or why it is not one. */
function parseExpression(text: string): Expression | string {
  const m = /^\s*([^<>=!\s]*)\s*([<>=!]+)?\s*(.*?)\s*$/.exec(text);
  const metricText = (m?.[1] ?? '').toLowerCase();
  const opText = m?.[2];
  const valueText = m?.[3] ?? '';
  let metric: SloMetric;
  let percentile: number | null = null;
  const p = /^p(\d+(?:\.\d+)?)$/.exec(metricText);
  if (p !== null) {
    percentile = Number(p[1]);
    if (percentile > 100) return `percentile ${metricText} is above p100`;
    metric = 'percentile';
  } else if (NAMED_METRICS.has(metricText)) {
    metric = metricText as SloMetric;
  } else {
    return metricText === '' ? `expected [NAME:]METRIC OP NUMBER (${METRIC_HELP})` : `unknown metric "${m?.[1]}" (${METRIC_HELP})`;
  }
  if (opText === undefined) return `missing comparison after ${metricText} (use <, <=, > or >=)`;
  if (!OPERATORS.has(opText)) return `unsupported comparison "${opText}" (use <, <=, > or >=)`;
  // Units are a convenience: times may say ms or s, fail_ratio may be a percentage.
  const u = /^(.*?)\s*(ms|s|%)?$/i.exec(valueText);
  const numberText = u?.[1] ?? '';
  const unit = u?.[2]?.toLowerCase();
  if (!NUMBER.test(numberText)) return `expected a number after "${opText}", got "${valueText}"`;
  let threshold = Number(numberText);
  if (unit === 'ms' || unit === 's') {
    if (!TIME_METRICS.has(metric)) return `unit "${unit}" only applies to response times, not ${metricText}`;
    if (unit === 's') threshold *= 1000;
  } else if (unit === '%') {
    if (metric !== 'fail_ratio') return `"%" only applies to fail_ratio, not ${metricText}`;
    threshold /= 100;
  }
  if (!Number.isFinite(threshold)) return `threshold "${valueText}" is out of range`;
  return { metric, percentile, op: opText as SloOperator, threshold };
}

/**
 * Parses one SLO, `[NAME:]METRIC OP NUMBER`. NAME may hold colons (URLs): the split is at the
 * last colon followed by a valid expression. Throws SloError with a one-line message.
 */
export function parseSlo(text: string): Slo {
  const trimmed = text.trim();
  if (trimmed === '') throw new SloError(text, `empty (expected [NAME:]METRIC OP NUMBER, e.g. "p95<500")`);
  let firstReason: string | null = null;
  for (let at = trimmed.lastIndexOf(':'); at >= 0; at = at === 0 ? -1 : trimmed.lastIndexOf(':', at - 1)) {
    const expression = parseExpression(trimmed.slice(at + 1));
    if (typeof expression === 'string') {
      firstReason ??= expression;
      continue;
    }
    const target = trimmed.slice(0, at).trim();
    if (target === '') throw new SloError(text, 'empty name before ":" (leave out "NAME:" for Aggregated)');
    return { target, ...expression };
  }
  if (firstReason !== null) throw new SloError(text, firstReason);
  const expression = parseExpression(trimmed);
  if (typeof expression === 'string') throw new SloError(text, expression);
  return { target: null, ...expression };
}

/** Parses a `;`-separated list of SLOs (empty items are skipped). */
export function parseSlos(text: string): Slo[] {
  const items = text.split(';').filter((s) => s.trim() !== '');
  if (items.length === 0) throw new SloError(text, 'empty (expected [NAME:]METRIC OP NUMBER, e.g. "p95<500")');
  return items.map(parseSlo);
}

function metricText(slo: Slo): string {
  return slo.metric === 'percentile' ? `p${slo.percentile ?? 0}` : slo.metric;
}

/** The canonical text: `[NAME:]METRIC OP NUMBER`, no spaces, threshold in ms / fraction. parseSlo reads it back. */
export function formatSlo(slo: Slo): string {
  return `${slo.target === null ? '' : `${slo.target}:`}${metricText(slo)}${slo.op}${slo.threshold}`;
}

/**
 * What the SLO measures on `source`. A response time or fail_ratio with no requests behind it
 * is "no data" (value null) and passes; requests, rps and fail_rps are 0 then, compared as any
 * value (so `requests>0` fails on an idle window).
 */
export function evaluateSlo(slo: Slo, source: SloSource): SloValue {
  const value = measure(slo, select(slo.target, source));
  return { value, pass: value === null || compare(value, slo.op, slo.threshold) };
}

/** evaluateSlo for several SLOs, with each SLO kept beside its result (what formatSloTable takes). */
export function checkSlos(slos: readonly Slo[], source: SloSource): SloResult[] {
  return slos.map((slo) => ({ slo, ...evaluateSlo(slo, source) }));
}

function compare(value: number, op: SloOperator, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

function measure(slo: Slo, e: WindowEntry): number | null {
  switch (slo.metric) {
    case 'requests':
      return e.numRequests;
    case 'rps':
      return e.rps;
    case 'fail_rps':
      return e.failRps;
    case 'fail_ratio':
      return e.numRequests === 0 && e.numFailures === 0 ? null : e.failRatio;
    default:
      break;
  }
  if (e.numSamples <= 0 || e.minResponseTime === null) return null;
  switch (slo.metric) {
    case 'avg':
      return e.avgResponseTime;
    case 'min':
      return e.minResponseTime;
    case 'max':
      return e.maxResponseTime;
    case 'median':
      return e.medianResponseTime;
    default:
      return e.getResponseTimePercentile((slo.percentile ?? 0) / 100);
  }
}

/** The entries the target names, as one WindowEntry over the source's period. */
function select(target: string | null, source: SloSource): WindowEntry {
  const total: StatsEntry | WindowEntry = source.total;
  let start: number;
  let end: number;
  if (source instanceof RequestStats) {
    // The cumulative period is Locust's total_rps one: the run's start to its last request.
    start = source.total.startTime;
    end = source.total.lastRequestTimestamp ?? start;
  } else {
    start = source.start;
    end = source.end;
  }
  let chosen: Array<StatsEntry | WindowEntry>;
  if (target === null) {
    chosen = [total];
  } else {
    const all: Array<StatsEntry | WindowEntry> = source.entries();
    chosen = all.filter((e) => e.name === target);
    const space = target.indexOf(' ');
    if (chosen.length === 0 && space > 0) {
      const method = target.slice(0, space);
      const name = target.slice(space + 1).trim();
      chosen = all.filter((e) => e.method === method && e.name === name);
    }
    if (chosen.length === 0 && target === total.name) chosen = [total];
  }
  const name = target ?? total.name;
  if (chosen.length === 1) {
    const only = chosen[0] as StatsEntry | WindowEntry;
    return only instanceof WindowEntry ? only : asWindow(only, only.name, only.method, start, end, only.histogram() as JsHistogram);
  }
  return merged(chosen, name, start, end);
}

function asWindow(
  e: StatsEntry | WindowEntry,
  name: string,
  method: string,
  start: number,
  end: number,
  histogram: JsHistogram,
): WindowEntry {
  return new WindowEntry({
    name, method, numRequests: e.numRequests, numNoneRequests: e.numNoneRequests, numFailures: e.numFailures,
    totalResponseTime: e.totalResponseTime, totalContentLength: e.totalContentLength,
    minResponseTime: e.minResponseTime, maxResponseTime: e.maxResponseTime, start, end, histogram,
  });
}

/** Entries of one name under several methods, added up; no entries gives an empty one. */
function merged(entries: ReadonlyArray<StatsEntry | WindowEntry>, name: string, start: number, end: number): WindowEntry {
  const histogram = createHistogram();
  let numRequests = 0;
  let numNoneRequests = 0;
  let numFailures = 0;
  let totalResponseTime = 0;
  let totalContentLength = 0;
  let minResponseTime: number | null = null;
  let maxResponseTime = 0;
  for (const e of entries) {
    numRequests += e.numRequests;
    numNoneRequests += e.numNoneRequests;
    numFailures += e.numFailures;
    totalResponseTime += e.totalResponseTime;
    totalContentLength += e.totalContentLength;
    if (e.minResponseTime !== null) minResponseTime = Math.min(minResponseTime ?? Infinity, e.minResponseTime);
    maxResponseTime = Math.max(maxResponseTime, e.maxResponseTime);
    // A StatsEntry with few samples gives its buckets without making a histogram.
    addBuckets(histogram, e instanceof StatsEntry ? e.histogramBuckets() : toBuckets(e.histogram() as JsHistogram));
  }
  const methods = new Set(entries.map((e) => e.method));
  return new WindowEntry({
    name, method: methods.size === 1 ? [...methods][0] ?? '' : '', numRequests, numNoneRequests, numFailures,
    totalResponseTime, totalContentLength, minResponseTime, maxResponseTime, start, end, histogram,
  });
}

/** The measured value in the SLO's own units. */
export function formatSloValue(slo: Slo, value: number | null): string {
  if (value === null) return 'no data';
  switch (slo.metric) {
    case 'requests':
      return String(value);
    case 'rps':
    case 'fail_rps':
      return `${pyFixed(value, 2)}/s`;
    case 'fail_ratio':
      return pyFixed(value, 4);
    default:
      // About three significant digits, as the histograms keep.
      return `${pyFixed(value, value >= 100 ? 0 : value >= 10 ? 1 : 2)} ms`;
  }
}

/** The SLO table for the console: SLO, measured value, PASS/FAIL, ending with a blank line as Locust's tables. */
export function formatSloTable(results: readonly SloResult[]): string {
  const rows = results.map((r) => [formatSlo(r.slo), formatSloValue(r.slo, r.value), r.pass ? 'PASS' : 'FAIL'] as const);
  const sloWidth = Math.max(3, ...rows.map((r) => r[0].length));
  const valueWidth = Math.max(10, ...rows.map((r) => r[1].length));
  const lines = [`${padRight('SLO', sloWidth)} ${padLeft('Value', valueWidth)} Result`];
  const separator = ['-'.repeat(sloWidth), '-'.repeat(valueWidth), '-'.repeat(6)].join('|');
  lines.push(separator);
  for (const [text, value, result] of rows) lines.push(`${padRight(text, sloWidth)} ${padLeft(value, valueWidth)} ${result}`);
  lines.push(separator);
  const failed = results.filter((r) => !r.pass).length;
  lines.push(failed === 0 ? `All SLOs passed (${results.length})` : `SLOs failed: ${failed} of ${results.length}`);
  return lines.join('\n') + '\n\n';
}
