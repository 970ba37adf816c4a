import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, tempDir, waitUntil } from '@locusta/test-support';
import { onTestFinished } from 'vitest';

/** Debian's Prometheus (the `prometheus` package, which .ci/run installs); its tests are skipped without it. */
export const PROMETHEUS = ['/usr/bin/prometheus', ...(process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'prometheus'))].find((p) => existsSync(p));

interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  /** An instant query at the current time: its vector, or throws with Prometheus' error. */
  query(expr: string): Promise<PromSeries[]>;
  /** `/api/v1/targets`' active targets. */
  targets(): Promise<Array<{ health: string; lastError: string; scrapeUrl: string; labels: Record<string, string>; scrapePool: string }>>;
  /** Prometheus' own metrics as text (its counters of rejected samples). */
  selfMetrics(): Promise<string>;
  /** What the server printed (warnings and errors only). */
  log(): string;
}

/** A scrape job: `target` is host:port. */
export interface ScrapeJob {
  job?: string;
  target: string;
  path?: string;
  basicAuth?: { username: string; password: string };
}

/**
 * Our own Prometheus, not a system service: a temporary config scraping each job (a `target`
 * host:port alone is the job `locusta` on `/metrics`) every second, its database in a temporary
 * folder, listening on a free loopback port; stopped when the test ends.
 */
export async function startPrometheus(jobs: string | ScrapeJob[]): Promise<Prometheus> {
  const dir = tempDir('prometheus');
  const config = join(dir, 'prometheus.yml');
  const list = typeof jobs === 'string' ? [{ target: jobs }] : jobs;
  // JSON strings are YAML strings: names, paths and passwords need no YAML escaping of their own.
  const q = JSON.stringify;
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      ...list.flatMap((j) => [
        `  - job_name: ${q(j.job ?? 'locusta')}`,
        `    metrics_path: ${q(j.path ?? '/metrics')}`,
        ...(j.basicAuth ? ['    basic_auth:', `      username: ${q(j.basicAuth.username)}`, `      password: ${q(j.basicAuth.password)}`] : []),
        '    static_configs:',
        `      - targets: [${q(j.target)}]`,
      ]),
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    PROMETHEUS!,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
  }, 30_000, 100);
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => (await api<{ result: PromSeries[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    targets: async () => (await api<{ activeTargets: Awaited<ReturnType<Prometheus['targets']>> }>('/api/v1/targets')).activeTargets,
    selfMetrics: async () => (await fetch(`${url}/metrics`)).text(),
    log: () => log,
  };
}

/** Prometheus' counters of samples a scrape dropped: each must stay 0 for a well-formed exposition. */
export const REJECTED_SAMPLE_COUNTERS = [
  'prometheus_target_scrapes_sample_duplicate_timestamp_total',
  'prometheus_target_scrapes_sample_out_of_order_total',
  'prometheus_target_scrapes_sample_out_of_bounds_total',
  'prometheus_target_scrapes_exceeded_sample_limit_total',
  'prometheus_target_scrape_pool_exceeded_label_limits_total',
];
