import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { freePort, startServer, waitUntil } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, startLocusta } from './helpers.ts';
import type { Prometheus } from './prometheus.ts';
import { PROMETHEUS, REJECTED_SAMPLE_COUNTERS, startPrometheus } from './prometheus.ts';

// The bounds of locusta_response_time_seconds (packages/web/src/metrics.ts), for "within one bucket".
const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const bucketOf = (seconds: number) => {
  const i = BOUNDS.findIndex((b) => seconds <= b);
  return i === -1 ? BOUNDS.length : i;
};

interface StatsRow {
  method: string;
  name: string;
  num_requests: number;
  num_failures: number;
  median_response_time: number;
  'response_time_percentile_0.95': number;
  'response_time_percentile_0.99': number;
}

/** Fast, slow (5 to 60 ms) and failing answers: percentiles that fall in different buckets. */
async function target() {
  return startServer((req, res) => {
    if (req.url === '/fail') {
      res.statusCode = 500;
      res.end('no');
    } else if (req.url === '/slow') setTimeout(() => res.end('ok'), 5 + Math.random() * 55);
    else res.end('ok');
  });
}

/**
 * Lets Prometheus scrape a stopped run until it holds the run's final counters, then checks
 * what it read against Locusta's own statistics from the same web UI.
 */
async function checkAgainstPrometheus(prom: Prometheus, web: string): Promise<void> {
  const sum = async (expr: string) => Number((await prom.query(expr))[0]?.value[1] ?? NaN);
  // A master's totals grow until its workers' last reports are in: read them again until
  // Prometheus has scraped the same figures.
  let stats: { state: string; stats: StatsRow[] } = { state: '', stats: [] };
  const totalOf = () => stats.stats.find((r) => r.name === 'Aggregated')?.num_requests;
  await waitUntil(async () => {
    stats = (await (await fetch(`${web}/stats/requests`)).json()) as typeof stats;
    return stats.state === 'stopped' && (await sum('sum(locusta_requests_total)')) === totalOf();
  }, 20_000, 250);
  const rows = stats.stats.filter((r) => r.name !== 'Aggregated');
  const total = stats.stats.find((r) => r.name === 'Aggregated')!;
  expect(total.num_requests).toBeGreaterThan(50);
  expect(total.num_failures).toBeGreaterThan(0);
  expect(await sum('sum(locusta_requests_total)')).toBe(total.num_requests);
  expect(await sum('sum(locusta_failures_total)')).toBe(total.num_failures);

  // Each (method, name) read back as sent: the label escaping survives a real parser.
  const series = await prom.query('locusta_requests_total');
  const byName = Object.fromEntries(series.map((s) => [`${s.metric['method']} ${s.metric['name']}`, Number(s.value[1])]));
  expect(byName).toEqual(Object.fromEntries(rows.map((r) => [`${r.method} ${r.name}`, r.num_requests])));

  for (const [q, own] of [[0.5, total.median_response_time], [0.95, total['response_time_percentile_0.95']], [0.99, total['response_time_percentile_0.99']]] as const) {
    const promSeconds = await sum(`histogram_quantile(${q}, sum by (le) (locusta_response_time_seconds_bucket))`);
    expect(Number.isFinite(promSeconds), `p${q * 100}: ${promSeconds}`).toBe(true);
    expect(Math.abs(bucketOf(promSeconds) - bucketOf(own / 1000)), `p${q * 100}: Prometheus ${promSeconds} s, Locusta ${own} ms`).toBeLessThanOrEqual(1);
  }

  const targets = await prom.targets();
  expect(targets.map((t) => ({ health: t.health, lastError: t.lastError }))).toEqual([{ health: 'up', lastError: '' }]);
  const self = await prom.selfMetrics();
  for (const name of REJECTED_SAMPLE_COUNTERS) expect(self, name).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? 0$`, 'm'));
  // Every sample of a scrape was kept (none dropped as a duplicate or malformed).
  expect(await sum('scrape_samples_post_metric_relabeling - scrape_samples_scraped')).toBe(0);
  expect(prom.log()).not.toMatch(/level=(warn|error)/);
}

describe.skipIf(PROMETHEUS === undefined)('/metrics scraped by a real Prometheus (skipped: no prometheus binary; apt-get install prometheus)', () => {
  it('reads the counters, the histogram and the names of a local run with the web UI', { timeout: 90_000 }, async () => {
    const server = await target();
    const run = startLocusta(['-f', join(FIXTURES, 'prometheus-names.ts'), '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '4', '-r', '10']);
    await run.waitFor(/Starting web interface at \S+/);
    const web = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    const prom = await startPrometheus(new URL(web).host);
    await waitUntil(async () => (await prom.query('locusta_requests_total')).length >= 3, 30_000, 250);
    expect(await (await fetch(`${web}/stop`)).json()).toMatchObject({ success: true });
    await checkAgainstPrometheus(prom, web);
    run.child.kill('SIGINT');
    expect((await run.done).code).not.toBeNull();
  });

  it("reads a master's merged statistics and its worker's client gauges", { timeout: 90_000 }, async () => {
    const server = await target();
    const port = await freePort();
    const master = startLocusta([
      '-f', join(FIXTURES, 'prometheus-names.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--web-host', '127.0.0.1', '--web-port', '0',
    ]);
    await master.waitFor(/Starting web interface at \S+/);
    const web = /Starting web interface at (\S+)/.exec(master.output().stderr)![1]!.replace(/\/$/, '');
    const worker = startLocusta(['-f', join(FIXTURES, 'prometheus-names.ts'), '--worker', '--master-host', '127.0.0.1', '--master-port', String(port)]);
    const prom = await startPrometheus(new URL(web).host);
    await waitUntil(async () => Number((await prom.query('locusta_workers'))[0]?.value[1]) === 1, 30_000, 250);
    const swarm = await fetch(`${web}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '4', spawn_rate: '10', host: server.url }) });
    expect(await swarm.json()).toMatchObject({ success: true });
    await waitUntil(async () => (await prom.query('locusta_requests_total')).length >= 3 && (await prom.query('locusta_client_cpu_percent')).length === 1, 30_000, 250);
    const [cpu] = await prom.query('locusta_client_cpu_percent');
    expect(cpu!.metric['process']).not.toBe('local');
    expect(await (await fetch(`${web}/stop`)).json()).toMatchObject({ success: true });
    await checkAgainstPrometheus(prom, web);
    master.child.kill('SIGINT');
    await master.done;
    worker.child.kill('SIGINT');
    await worker.done;
  });

  it('scrapes behind --web-auth, --web-login and --web-base-path with basic auth; without it the target is down with 401', { timeout: 90_000 }, async () => {
    const server = await target();
    const run = startLocusta([
      '-f', join(FIXTURES, 'prometheus-names.ts'), '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '2', '-r', '10',
      '--web-auth', 'scraper:s3cret:with"quote', '--web-login', '--web-base-path', '/load/test',
    ]);
    await run.waitFor(/Starting web interface at \S+/);
    const web = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    const { host, pathname } = new URL(web);
    const prom = await startPrometheus([
      { job: 'with-auth', target: host, path: `${pathname}/metrics`, basicAuth: { username: 'scraper', password: 's3cret:with"quote' } },
      { job: 'no-auth', target: host, path: `${pathname}/metrics` },
    ]);
    // Both jobs scraped once at least (the target list is empty until the config is loaded).
    await waitUntil(async () => (await prom.targets()).filter((t) => t.health !== 'unknown').length === 2, 30_000, 250);
    await waitUntil(async () => Number((await prom.query('sum(locusta_requests_total)'))[0]?.value[1] ?? 0) > 0, 30_000, 250);
    const targets = Object.fromEntries((await prom.targets()).map((t) => [t.labels['job'], { health: t.health, lastError: t.lastError }]));
    expect(targets).toEqual({
      'with-auth': { health: 'up', lastError: '' },
      'no-auth': { health: 'down', lastError: expect.stringContaining('401') },
    });
    run.child.kill('SIGINT');
    await run.done;
  });

  it("the LLM families and Ollama's and llama.cpp's server timings: promtool's lint and a real scrape keep every sample", { timeout: 120_000 }, async () => {
    const server = await createMockServer({ port: 0, speed: 20, seed: 3 });
    onTestFinished(() => server.close());
    const families = { 'llm-streaming': 'locusta_llm_ttft_seconds', ollama: 'locusta_ollama_server_seconds', llamacpp: 'locusta_llamacpp_server_seconds' };
    const webs: Record<string, string> = {};
    for (const example of Object.keys(families)) {
      const run = startLocusta(['-f', join(ROOT, 'examples', example, 'locustfile.ts'), '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '2', '-r', '10']);
      await run.waitFor(/Starting web interface at \S+/);
      webs[example] = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    }
    const prom = await startPrometheus(Object.entries(webs).map(([job, web]) => ({ job, target: new URL(web).host })));
    for (const [example, family] of Object.entries(families)) {
      let text = '';
      await waitUntil(async () => {
        text = await (await fetch(`${webs[example]}/metrics`)).text();
        return new RegExp(`^${family}_count\\{.*\\} [1-9]`, 'm').test(text) && /^locusta_client_cpu_percent\{/m.test(text);
      }, 60_000, 250);
      // promtool (Prometheus' own linter) on the exposition: one finding only, the name kept from
      // Locust's field current_fail_per_sec, which dashboards already query.
      const lint = spawnSync(join(dirname(PROMETHEUS!), 'promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const findings = [...new Set(`${lint.stdout}${lint.stderr}`.split('\n').filter(Boolean))];
      expect(findings, example).toEqual(['locusta_current_fail_per_sec metric names should not contain abbreviated units']);
      await waitUntil(async () => (await prom.query(`${family}_count{job="${example}"}`)).length > 0, 30_000, 250);
    }
    const targets = await prom.targets();
    expect(targets.map((t) => [t.labels['job'], t.health, t.lastError]).sort()).toEqual(Object.keys(families).map((job) => [job, 'up', '']).sort());
    const self = await prom.selfMetrics();
    for (const name of REJECTED_SAMPLE_COUNTERS) expect(self, name).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? 0$`, 'm'));
    const dropped = await prom.query('scrape_samples_post_metric_relabeling - scrape_samples_scraped != 0');
    expect(dropped).toEqual([]);
    expect(prom.log()).not.toMatch(/level=(warn|error)/);
  });
});
