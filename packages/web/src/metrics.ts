import type { StatsEntry } from '@locusta/stats';
import { PrometheusText, escapeLabelValue } from '@locusta/stats';
import type { WebRunner } from './web-runner.ts';
import { ACTIVE_WORKER_STATES } from '@locusta/runner';

/** The Content-Type of Prometheus' text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Upper bounds (seconds) of the response time histogram's buckets; +Inf is added. */
export const RESPONSE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

// The exposition format is written by @locusta/stats, which other packages' metrics share
// (see the `outputs` option); the label escaping stays exported here for this package's users.
export { escapeLabelValue };

/**
 * The runner's statistics in the Prometheus text exposition format: request and failure
 * counters and a response time histogram per (method, name), and gauges for users, workers and
 * the current rates. Counters restart from 0 when the statistics are reset, which Prometheus'
 * rate() treats as a counter reset.
 */
export function renderMetrics(runner: WebRunner): string {
  const m = new PrometheusText();
  const entries = runner.stats.entries();
  const key = (e: StatsEntry) => [['method', e.method], ['name', e.name]] as const;

  m.family('locusta_requests_total', 'counter', 'Requests made, failed ones included (Locust counts failures as requests).');
  for (const e of entries) m.sample('locusta_requests_total', key(e), e.numRequests);
  m.family('locusta_failures_total', 'counter', 'Failed requests.');
  for (const e of entries) m.sample('locusta_failures_total', key(e), e.numFailures);

  m.family('locusta_response_time_seconds', 'histogram', 'Response times of requests that have one.');
  for (const e of entries) {
    const count = e.numRequests - e.numNoneRequests;
    m.histogram('locusta_response_time_seconds', key(e), e.histogramBuckets(), RESPONSE_TIME_BUCKETS, { count, sumSeconds: e.totalResponseTime / 1000 });
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
