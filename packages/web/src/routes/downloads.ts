import { exceptionsCsv, failuresCsv, statsCsv } from '@locusta/stats';
import type { Reply } from '../http-reply.ts';
import { RouteError, csvReply } from '../http-reply.ts';
import type { WebRunner } from '../web-runner.ts';

/** The CSV files the download routes serve; the CLI produces the same ones with `--csv`. */
export interface CsvSources {
  stats(): string;
  failures(): string;
  exceptions(): string;
  /** The `_stats_history.csv` content; without it (no `--csv-full-history`) the route answers 404, as in Locust. */
  history?(): string;
}

/** The HTML report; `download` is set for `?download=1`, `theme` is the `?theme=` value. */
export type HtmlReportSource = (options: { download: boolean; theme: string }) => string;

const NO_FULL_HISTORY = 'Error: Server was not started with option to generate full history.';

/** CSVs built from the runner's statistics, for whatever the caller does not provide. */
export function defaultCsvSources(runner: WebRunner): CsvSources {
  return {
    stats: () => statsCsv(runner.stats),
    failures: () => failuresCsv(runner.stats),
    exceptions: () => exceptionsCsv(runner.exceptions),
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Locust's format_safe_timestamp (local time): `2026-11-28-13h37`. */
function safeTimestamp(unixSeconds: number): string {
  const d = new Date(Math.trunc(unixSeconds) * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}h${pad(d.getMinutes())}`;
}

/**
 * Locust's download names, `<product>_<start>_<user file>[_<host>]_<kind>`, with characters
 * that do not belong in a file name (the host's `://`, quotes) replaced by `_`.
 */
function downloadName(parts: { startTime: number; userFile: string; host: string; kind?: string; ext: string }): string {
  const host = parts.host ? `_${parts.host}` : '';
  const kind = parts.kind ? `_${parts.kind}` : '';
  const stem = `Locusta_${safeTimestamp(parts.startTime)}_${parts.userFile}${host}${kind}`;
  return `${stem.replace(/[^A-Za-z0-9._-]+/g, '_')}.${parts.ext}`;
}

export interface DownloadContext {
  runner: WebRunner;
  csv: CsvSources;
  htmlReport?: HtmlReportSource;
  userFile: string;
}

const KINDS = { stats: 'requests', failures: 'failures', exceptions: 'exceptions', history: 'requests_full_history' } as const;

/** A CSV download route's reply. */
export function csvDownload(ctx: DownloadContext, which: keyof CsvSources): Reply {
  const source = ctx.csv[which];
  if (!source) throw new RouteError(404, NO_FULL_HISTORY);
  const name = downloadName({ startTime: ctx.runner.stats.total.startTime, userFile: ctx.userFile, host: ctx.runner.host(), kind: KINDS[which], ext: 'csv' });
  return csvReply(source.call(ctx.csv), name);
}

/** `/stats/report`: the HTML report, as an attachment with `?download=1`. */
export function reportDownload(ctx: DownloadContext, query: URLSearchParams): Reply {
  if (!ctx.htmlReport) throw new RouteError(404, 'Error: the HTML report is not available in this run.');
  const download = Boolean(query.get('download'));
  const body = ctx.htmlReport({ download, theme: query.get('theme') ?? '' });
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
  if (download) {
    const name = downloadName({ startTime: ctx.runner.stats.total.startTime, userFile: ctx.userFile, host: ctx.runner.host(), ext: 'html' });
    headers['content-disposition'] = `attachment; filename="${name}"`;
  }
  return { status: 200, headers, body };
}
