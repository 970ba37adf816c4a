import { bucketResponseTime } from './percentiles.ts';
import { pyFloat } from './py-format.ts';
import type { RequestStats } from './request-stats.ts';
import type { StatsEntry } from './stats-entry.ts';

/** One element of Locust's `--json` output (StatsEntryDict), keys in Locust's order. */
export interface StatsEntryJson {
  name: string;
  method: string;
  last_request_timestamp: number | null;
  start_time: number;
  num_requests: number;
  num_none_requests: number;
  num_failures: number;
  total_response_time: number;
  max_response_time: number;
  min_response_time: number | null;
  total_content_length: number;
  /** {Locust-bucketed ms: count} */
  response_times: Record<string, number>;
  num_reqs_per_sec: Record<string, number>;
  num_fail_per_sec: Record<string, number>;
}

/**
 * Locust's `--json` list: entries in the order first logged, no Aggregated, only entries with
 * requests or failures. response_times is rebuilt from the histogram with Locust's bucketing.
 * Unlike Locust (its serialize_stats resets every entry), nothing is reset.
 */
export function statsJson(stats: RequestStats): StatsEntryJson[] {
  return stats
    .entriesInLogOrder()
    .filter((e) => e.numRequests > 0 || e.numFailures > 0)
    .map(entryJson);
}

function entryJson(e: StatsEntry): StatsEntryJson {
  return {
    name: e.name,
    method: e.method,
    last_request_timestamp: e.lastRequestTimestamp,
    start_time: e.startTime,
    num_requests: e.numRequests,
    num_none_requests: e.numNoneRequests,
    num_failures: e.numFailures,
    total_response_time: e.totalResponseTime,
    max_response_time: e.maxResponseTime,
    min_response_time: e.minResponseTime,
    total_content_length: e.totalContentLength,
    response_times: bucketedResponseTimes(e),
    num_reqs_per_sec: Object.fromEntries(e.requestsPerSecond()),
    num_fail_per_sec: Object.fromEntries(e.failuresPerSecond()),
  };
}

function bucketedResponseTimes(e: StatsEntry): Record<string, number> {
  const out = new Map<number, number>();
  const min = e.minResponseTime ?? 0;
  const max = e.maxResponseTime;
  // Each histogram bucket is represented by its middle value, kept within the exact [min, max].
  e.forEachRecorded((us, count) => {
    const key = bucketResponseTime(Math.min(Math.max(us / 1000, min), max));
    out.set(key, (out.get(key) ?? 0) + count);
  });
  return Object.fromEntries([...out].sort((a, b) => a[0] - b[0]));
}

// Keys Locust holds as Python floats; total and max start as the int 0 until a time is logged.
const FLOAT_KEYS = new Set(['last_request_timestamp', 'start_time', 'total_response_time', 'max_response_time', 'min_response_time']);
const INT_WHEN_ZERO = new Set(['total_response_time', 'max_response_time']);

/**
 * The text Locust prints for `--json` (Python `json.dumps(..., indent=4)`): floats keep their
 * `.0`, non-ASCII is \u-escaped, so Python readers see the same types as from Locust.
 */
export function formatStatsJson(stats: RequestStats): string {
  return dump(statsJson(stats), '', null);
}

function dump(value: unknown, indent: string, key: string | null): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (key !== null && FLOAT_KEYS.has(key) && !(value === 0 && INT_WHEN_ZERO.has(key))) return pyFloat(value);
    return Number.isInteger(value) ? String(value) : pyFloat(value);
  }
  if (typeof value === 'string') return asciiJson(value);
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + dump(v, inner, null)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${asciiJson(k)}: ${dump(v, inner, k)}`).join(',\n')}\n${indent}}`;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
