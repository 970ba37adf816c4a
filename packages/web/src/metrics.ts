import type { StatsEntry } from '@locusta/stats';
import type { WebRunner } from './web-runner.ts';
import { ACTIVE_WORKER_STATES } from './web-runner.ts';

/** The Content-Type of Prometheus' text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Upper bounds (seconds) of the response time histogram's buckets; +Inf is added. */
export const RESPONSE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escaping: backslash and newline only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value in the format's float syntax. */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function labels(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

// What the histogram behind StatsEntry.histogram() offers beyond the library's public
// interface (which has no per-bucket counts): the JS HdrHistogram's counts array.
interface CountsArray {
  readonly countsArrayLength: number;
  readonly maxValue: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  countsArrayIndex(value: number): number;
}

function hasCounts(h: unknown): h is CountsArray {
  const c = h as Partial<CountsArray>;
  return typeof c.getCountAtIndex === 'function' && typeof c.valueFromIndex === 'function' && typeof c.countsArrayIndex === 'function';
}

/**
 * Cumulative counts of samples at or below each bucket bound, from the HdrHistogram of µs. A
 * histogram bucket is placed by its lowest value, so a sample of exactly a bound (5 ms) counts
 * as `le="0.005"`; the error is the histogram's resolution (0.1 %). Null if the histogram
 * cannot be walked.
 */
export function cumulativeBucketCounts(entry: StatsEntry, boundsSeconds: readonly number[]): number[] | null {
  const h: unknown = entry.histogram();
  if (!hasCounts(h)) return null;
  const bounds = boundsSeconds.map((s) => Math.round(s * 1e6));
  const counts = new Array<number>(bounds.length).fill(0);
  const last = Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
  let b = 0;
  for (let i = 0; i <= last; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    const us = h.valueFromIndex(i);
    while (b < bounds.length && us > (bounds[b] ?? Infinity)) b++;
    if (b === bounds.length) break; // the rest only counts for +Inf
    counts[b] = (counts[b] ?? 0) + c;
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0);
  return counts;
}

class Exposition {
  #out = '';

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.#out += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  }

  sample(name: string, pairs: ReadonlyArray<readonly [string, string]>, value: number): void {
    this.#out += `${name}${pairs.length ? labels(pairs) : ''} ${formatValue(value)}\n`;
  }

  text(): string {
    return this.#out;
  }
}

/**
 * The runner's statistics in the Prometheus text exposition format: request and failure
 * counters and a response time histogram per (method, name), and gauges for users, workers and
 * the current rates. Counters restart from 0 when the statistics are reset, which Prometheus'
 * rate() treats as a counter reset.
 */
export function renderMetrics(runner: WebRunner): string {
  const m = new Exposition();
  const entries = runner.stats.entries();
  const key = (e: StatsEntry) => [['method', e.method], ['name', e.name]] as const;

  m.family('locusta_requests_total', 'counter', 'Requests made, failed ones included (Locust counts failures as requests).');
  for (const e of entries) m.sample('locusta_requests_total', key(e), e.numRequests);
  m.family('locusta_failures_total', 'counter', 'Failed requests.');
  for (const e of entries) m.sample('locusta_failures_total', key(e), e.numFailures);

  m.family('locusta_response_time_seconds', 'histogram', 'Response times of requests that have one.');
  for (const e of entries) {
    const count = e.numRequests - e.numNoneRequests;
    const cumulative = cumulativeBucketCounts(e, RESPONSE_TIME_BUCKETS);
    if (cumulative) {
      RESPONSE_TIME_BUCKETS.forEach((le, i) => {
        m.sample('locusta_response_time_seconds_bucket', [...key(e), ['le', formatValue(le)]], cumulative[i] ?? 0);
      });
    }
    m.sample('locusta_response_time_seconds_bucket', [...key(e), ['le', '+Inf']], count);
    m.sample('locusta_response_time_seconds_sum', key(e), e.totalResponseTime / 1000);
    m.sample('locusta_response_time_seconds_count', key(e), count);
  }

  const workers = runner.workers?.() ?? [];
  const total = runner.stats.total;
  m.family('locusta_users', 'gauge', 'Users running now.');
  m.sample('locusta_users', [], runner.userCount());
  m.family('locusta_workers', 'gauge', 'Workers connected and not missing (0 without a master).');
  m.sample('locusta_workers', [], workers.filter((w) => ACTIVE_WORKER_STATES.has(w.state)).length);
  m.family('locusta_current_rps', 'gauge', 'Requests per second over the last 10 complete seconds.');
  m.sample('locusta_current_rps', [], total.currentRps);
  m.family('locusta_current_fail_per_sec', 'gauge', 'Failures per second over the last 10 complete seconds.');
  m.sample('locusta_current_fail_per_sec', [], total.currentFailPerSec);
  return m.text();
}
