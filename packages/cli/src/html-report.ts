import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReportData, ReportEntry, ReportExtraSection } from '@locusta/report';
import { renderHtmlReport } from '@locusta/report';
import type { ExceptionStats, RequestStats, SloResult, StatsEntry } from '@locusta/stats';
import { forEachRecorded, formatSlo, reportedPercentiles } from '@locusta/stats';
import type { HistoryRow } from './run-history.ts';

/** What a report shows beyond the statistics. */
export interface ReportInputs {
  stats: RequestStats;
  exceptions: ExceptionStats;
  history: readonly HistoryRow[];
  host: string;
  userFiles: string[];
  profile?: string;
  startTime: number;
  slos?: readonly SloResult[];
  /** The output families' sections (the steps, the LLM token metrics, user ones). */
  sections?: ReportExtraSection[];
}

function entryOf(e: StatsEntry): ReportEntry {
  const histogram: Array<[number, number]> = [];
  e.forEachRecorded((us, count) => histogram.push([us / 1000, count]));
  const ps = reportedPercentiles();
  const values = e.responseTimePercentiles(ps);
  return {
    method: e.method,
    name: e.name,
    numRequests: e.numRequests,
    numFailures: e.numFailures,
    avg: e.avgResponseTime,
    min: e.minResponseTime,
    max: e.maxResponseTime,
    median: e.medianResponseTime,
    rps: e.totalRps,
    failPerSec: e.totalFailPerSec,
    avgContentLength: e.avgContentLength,
    percentiles: ps.map((p, i) => [p, values[i] ?? 0] as [number, number]),
    histogram,
  };
}

function entriesOf(stats: RequestStats): ReportEntry[] {
  return [...stats.entries().map(entryOf), entryOf(stats.total)];
}

/** The report's data from the final statistics. */
export function reportData(input: ReportInputs): ReportData {
  const { stats } = input;
  const schedule = stats.schedule;
  const data: ReportData = {
    host: input.host,
    userFiles: input.userFiles,
    command: `locusta ${process.argv.slice(2).join(' ')}`,
    ...(input.profile ? { profile: input.profile } : {}),
    percentiles: [...reportedPercentiles()],
    startTime: input.startTime,
    endTime: stats.now(),
    history: [...input.history],
    entries: entriesOf(stats),
    failures: stats.errors().map((e) => ({ method: e.method, name: e.name, error: e.error, occurrences: e.occurrences })),
    exceptions: input.exceptions.entries().map((x) => ({ count: x.count, message: x.msg, traceback: x.traceback, nodes: [...x.nodes].join(', ') })),
  };
  if (stats.corrected) {
    const lag: Array<[number, number]> = [];
    forEachRecorded(schedule.lagHistogram(), (us, count) => lag.push([us / 1000, count]));
    const ps = [0.5, 0.9, 0.99, 0.999];
    const values = schedule.lagPercentiles(ps);
    data.corrected = {
      entries: entriesOf(stats.corrected),
      lag: { percentiles: ps.map((p, i) => [p, values[i] ?? 0]), histogram: lag, max: schedule.maxLag, count: schedule.iterations },
    };
  }
  if (input.sections && input.sections.length > 0) data.extraSections = input.sections;
  if (input.slos && input.slos.length > 0) {
    data.slos = input.slos.map((r) => ({ expression: formatSlo(r.slo), value: r.value, pass: r.pass }));
  }
  return data;
}

export function writeHtmlReport(file: string, input: ReportInputs): void {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtmlReport(reportData(input)));
}
