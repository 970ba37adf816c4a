import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { waitUntil } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT, startLocusta } from './helpers.ts';
import { PROMETHEUS, startPrometheus } from './prometheus.ts';

/**
 * docker/grafana/locusta-dashboard.json: a Grafana dashboard of the web UI's /metrics. Its
 * PromQL may only name metrics and labels that a real run exports; with Prometheus installed,
 * every query is also run against a real scrape and must answer with data.
 */
const FILE = join(ROOT, 'docker/grafana/locusta-dashboard.json');
const EXAMPLE = join(ROOT, 'examples/llm-streaming/locustfile.ts');

interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown; definition?: string }> };
}

const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard;
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));
const variableQueries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.definition ?? '');

const FUNCTIONS = new Set(['rate', 'irate', 'increase', 'sum', 'avg', 'max', 'min', 'count', 'histogram_quantile', 'label_values', 'clamp_min', 'topk']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

/** The metric names of a PromQL expression (or a `label_values(...)` variable query), and the labels it groups by. */
function namesOf(expr: string): { metrics: string[]; labels: string[]; functions: string[] } {
  const labels: string[] = [];
  let rest = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_m, list: string) => {
      labels.push(...list.split(',').map((l) => l.trim()).filter(Boolean));
      return '';
    })
    .replace(/\{([^}]*)\}/g, (_m, matchers: string) => {
      for (const m of matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(m[1]!);
      return '';
    });
  // label_values(metric, label): the second argument is a label.
  rest = rest.replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*([a-zA-Z_]\w*)\s*\)/g, (_m, metric: string, label: string) => {
    labels.push(label);
    return `label_values(${metric})`;
  });
  const metrics: string[] = [];
  const functions: string[] = [];
  for (const m of rest.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (m[2] !== undefined) functions.push(m[1]!);
    else if (!KEYWORDS.has(m[1]!)) metrics.push(m[1]!);
  }
  return { metrics, labels, functions };
}

/** Families of an exposition (a histogram's _bucket, _sum and _count series included) and the labels of its samples. */
function exported(metrics: string): { names: Set<string>; labels: Set<string> } {
  const names = new Set<string>();
  for (const [, name, type] of metrics.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
    else names.add(name!);
  }
  const labels = new Set<string>();
  for (const [, set] of metrics.matchAll(/^[a-zA-Z_:][\w:]*\{(.*)\} \S+$/gm)) for (const l of set!.matchAll(/([a-zA-Z_]\w*)="(?:[^"\\]|\\.)*"/g)) labels.add(l[1]!);
  return { names, labels };
}

describe('docker/grafana/locusta-dashboard.json', () => {
  it('is a Grafana dashboard: panels with ids, a grid place and Prometheus targets on the data source variable', () => {
    expect(dashboard.title).toBe('Locusta');
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const vars = dashboard.templating.list.map((v) => v.name);
    expect(vars).toContain('datasource');
    for (const p of dashboard.panels) {
      expect(['row', 'timeseries', 'stat'], p.title).toContain(p.type);
      const g = p.gridPos;
      expect(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0, `${p.title}: ${JSON.stringify(g)}`).toBe(true);
      if (p.type === 'row') continue;
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      const refs = p.targets!.map((t) => t.refId);
      expect(new Set(refs).size, p.title).toBe(refs.length);
      for (const t of p.targets!) expect(t.expr.trim(), `${p.title} ${t.refId}`).not.toBe('');
    }
    // Panels do not overlap: each grid cell is taken once.
    const cells = new Set<string>();
    for (const { title, gridPos: g } of dashboard.panels) {
      for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
        expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
    // Every $variable a query uses is defined (or is one of Grafana's own).
    for (const q of queries) for (const [, v] of q.expr.matchAll(/\$(\w+)/g)) expect(['__rate_interval', ...vars], `${q.panel}: $${v}`).toContain(v);
  });

  it('shows users, requests/s, failures, percentiles, LLM tokens and client health', () => {
    const used = new Set([...queries.map((q) => q.expr), ...variableQueries].flatMap((e) => namesOf(e).metrics));
    for (const name of [
      'locusta_users', 'locusta_requests_total', 'locusta_failures_total', 'locusta_response_time_seconds_bucket',
      'locusta_llm_input_tokens_total', 'locusta_llm_output_tokens_total', 'locusta_llm_ttft_seconds_bucket',
      'locusta_client_cpu_percent', 'locusta_client_loop_lag_p99_seconds', 'locusta_client_limited',
    ]) expect(used, name).toContain(name);
    expect(queries.some((q) => /histogram_quantile\(0\.95, .*locusta_response_time_seconds_bucket/.test(q.expr))).toBe(true);
  });

  it('names only metrics and labels that a real run exports on /metrics, and every query answers from a real Prometheus', { timeout: 120_000 }, async () => {
    const server = await createMockServer({ port: 0, speed: 20, seed: 3 });
    onTestFinished(() => server.close());
    const run = startLocusta(['-f', EXAMPLE, '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '4', '-r', '10']);
    await run.waitFor(/Starting web interface at \S+/);
    const web = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    const prom = PROMETHEUS === undefined ? undefined : await startPrometheus(new URL(web).host);
    let metrics = '';
    await waitUntil(async () => {
      metrics = await (await fetch(`${web}/metrics`)).text();
      return /^locusta_llm_ttft_seconds_count\{.*\} [1-9]/m.test(metrics) && /^locusta_client_cpu_percent\{/m.test(metrics);
    }, 60_000, 250);
    const { names, labels } = exported(metrics);
    for (const { panel, refId, expr, legendFormat } of queries) {
      const found = namesOf(expr);
      for (const name of found.metrics) expect(names, `${panel} ${refId}: ${expr}`).toContain(name);
      for (const label of found.labels) expect([...labels, 'le'], `${panel} ${refId}: ${expr}`).toContain(label);
      for (const fn of found.functions) expect(FUNCTIONS, `${panel} ${refId}: ${expr}`).toContain(fn);
      for (const [, label] of (legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) expect([...labels], `${panel} ${refId} legend`).toContain(label);
      expect(found.metrics.length, `${panel} ${refId}: no metric`).toBeGreaterThan(0);
    }
    for (const v of variableQueries) for (const name of namesOf(v).metrics) expect(names, v).toContain(name);

    if (prom === undefined) return;
    // Grafana's variables as a dashboard would set them: a 5 s rate window over 1 s scrapes, every model.
    const promql = (expr: string) => expr.replaceAll('$__rate_interval', '5s').replaceAll('$model', '.*');
    const failing: string[] = [];
    await waitUntil(async () => {
      failing.length = 0;
      for (const q of queries) {
        const result = await prom.query(promql(q.expr)).catch((e: Error) => e);
        if (result instanceof Error || result.length === 0) failing.push(`${q.panel} ${q.refId}: ${result instanceof Error ? result.message : 'no data'}`);
      }
      return failing.length === 0;
    }, 30_000, 1000).catch(() => undefined);
    expect(failing).toEqual([]);
    const models = (await (await fetch(`${prom.url}/api/v1/label/model/values`)).json()) as { data: string[] };
    expect(models.data.length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    await run.done;
  });
});
