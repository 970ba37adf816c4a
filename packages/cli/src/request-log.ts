import { hostname } from 'node:os';
import type { Environment, OutputExtension, RequestEvent } from '@locusta/core';
import { messageOf, requestStartTime } from '@locusta/core';
import { addLlmLogFields, llmSampleOf } from '@locusta/llm';
import type { RequestLogTotals, RequestLogWriter } from './request-log-writer.ts';

/** The key of the log's part of a worker report. */
const REPORT_KEY = 'requests_log';

/**
 * Bytes of lines a worker sends with one report (every 3 s): well under the master's 16 MB
 * frame limit with the statistics beside them. Past it, the lines are dropped and counted.
 */
const MAX_REPORT_BYTES = 6 * 1024 * 1024;

/** A worker's part of a report: its lines since the last report, and how many it dropped. */
interface LogReport {
  lines: string[];
  dropped: number;
}

/**
 * One line of `--requests-log`: when the request started (unix ms), its type and name, the
 * HTTP status (0: no response; null for a request that is not HTTP), the verdict, the error,
 * the response time, the process that made it, then a generation's LLM fields.
 */
export function requestLine(e: RequestEvent, worker: string): string {
  const failed = e.exception !== undefined && e.exception !== null;
  const status = (e.response as { status?: unknown } | undefined)?.status;
  const line: Record<string, unknown> = {
    start_ms: typeof e.startTime === 'number' ? Math.round(e.startTime * 1000) : Date.now() - (e.responseTime ?? 0),
    type: e.requestType,
    name: e.name,
    status: typeof status === 'number' ? status : null,
    success: !failed,
    error: failed ? messageOf(e.exception) : null,
    response_time_ms: e.responseTime,
    response_length: e.responseLength,
    worker,
  };
  const sample = llmSampleOf(e.response);
  if (sample) addLlmLogFields(line, sample);
  return JSON.stringify(line);
}

/**
 * `--requests-log FILE`: a JSON line per request, in one file written by the process that
 * writes the other outputs. Run locally, each request event becomes a line in the writer. On a
 * worker (no writer), lines are gathered and sent with each report (bounded, the excess
 * counted); the master checks that part of the report and writes its lines. The request
 * listener exists only from a test's start to its stop and only when the option is set (on a
 * worker, in the options its master sent), so a run without it pays nothing per request.
 */
export class RequestLog implements OutputExtension {
  readonly name = REPORT_KEY;
  readonly #env: Environment;
  readonly #writer: RequestLogWriter | undefined;
  readonly #worker: string;
  #pending: string[] = [];
  #pendingBytes = 0;
  #dropped = 0;
  readonly #onRequest = (e: RequestEvent): void => {
    if (!this.#measured(e)) return;
    this.#add(requestLine(e, this.#worker));
  };

  /** `writer` on the process that writes the file (local, master); none on a worker. */
  constructor(env: Environment, writer: RequestLogWriter | undefined) {
    this.#env = env;
    this.#writer = writer;
    this.#worker = `${hostname()}:${process.pid}`;
    env.events.testStart.addListener(() => {
      if (!this.#enabled()) return;
      env.events.request.removeListener(this.#onRequest);
      env.events.request.addListener(this.#onRequest);
    });
    env.events.testStop.addListener(() => env.events.request.removeListener(this.#onRequest));
  }

  /**
   * Whether the statistics keep this request: the measurement window (`--warmup`, `--cooldown`,
   * a reset) leaves out requests started outside it, and so does the log.
   */
  #measured(e: RequestEvent): boolean {
    return this.#env.measurement.contains(requestStartTime(e.startTime, e.responseTime));
  }

  #enabled(): boolean {
    if (this.#writer) return true;
    const given = this.#env.parsedOptions['requestsLog'];
    return typeof given === 'string' && given !== '';
  }

  #add(line: string): void {
    if (this.#writer) {
      this.#writer.push(line);
      return;
    }
    const bytes = Buffer.byteLength(line);
    if (this.#pendingBytes + bytes > MAX_REPORT_BYTES) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += bytes;
  }

  takeReport(): LogReport | undefined {
    if (this.#pending.length === 0 && this.#dropped === 0) return undefined;
    const report = { lines: this.#pending, dropped: this.#dropped };
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#dropped = 0;
    return report;
  }

  checkReport(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
    const { lines, dropped } = value as Record<string, unknown>;
    if (!Number.isSafeInteger(dropped) || (dropped as number) < 0) return 'dropped: not a count';
    if (!Array.isArray(lines)) return 'lines: not an array';
    for (let i = 0; i < lines.length; i++) {
      const line: unknown = lines[i];
      // A line goes into the file as it is: one JSON object, on one line.
      if (typeof line !== 'string' || !line.startsWith('{') || !line.endsWith('}') || line.includes('\n')) return `lines[${i}]: not a JSON line`;
    }
    return undefined;
  }

  merge(value: unknown): void {
    const report = value as LogReport;
    for (const line of report.lines) this.#writer?.push(line);
    this.#writer?.addDropped(report.dropped);
  }

  /** Writes the rest and closes the file: on every way the run ends, before the summary. */
  close(): Promise<RequestLogTotals> | undefined {
    return this.#writer?.close();
  }

  closeSync(): RequestLogTotals | undefined {
    return this.#writer?.closeSync();
  }
}
