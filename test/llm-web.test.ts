import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LLM_HISTORY_CSV_HEADER } from '@locusta/llm';
import { createMockServer } from '@locusta/mock-openai';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HAS_CHROMIUM, launchChromium } from './browser.ts';
import { ROOT, readCsv, startLocusta } from './helpers.ts';

// Callbacks given to page.evaluate run in the browser; the repository compiles without the DOM
// library, so the browser global they use is declared here, loosely.
declare const document: any;

const EXAMPLE = join(ROOT, 'examples/llm-streaming/locustfile.ts');
const MODELS = ['llama3.1:8b', 'llama3.2:1b', 'qwen2.5:14b'];

interface ExtraTables {
  tables: Array<{
    id: string;
    title: string;
    columns: string[];
    rows: Array<Array<string | number | null>>;
    charts?: Array<{ id: string; x: number[]; series: Array<{ label: string; values: Array<number | null> }> }>;
  }>;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within 60 s`);
}

/** The sum of a counter's samples over every name and model. */
function counterSum(metrics: string, name: string): number {
  return [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('LLM metrics live in the web UI, on /metrics and in PREFIX_llm_history.csv', () => {
  it('shows the LLM table and shed load of a real run against a mock server that sheds', async () => {
    // Two generations at once at most: four users make it shed some requests with 503.
    const server = await createMockServer({ port: 0, capacity: 2, speed: 4, seed: 3, jitter: 0 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const run = startLocusta([
      '-f', EXAMPLE, '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '4', '-r', '10',
      // Stopping lets every stream end, so the client has counted all the server answered.
      '-s', '30', '--csv', join(dir, 'run'), '--csv-full-history',
    ]);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    const extra = async () => (await (await fetch(`${url}/stats/extra`)).json()) as ExtraTables;
    const llmRows = async () => {
      const table = (await extra()).tables.find((t) => t.id === 'llm')!;
      const col = (h: string) => table.columns.indexOf(h);
      return { table, col, total: table.rows.find((r) => r[col('Name')] === 'Aggregated') };
    };

    await until(async () => {
      const { col, total } = await llmRows();
      return total !== undefined && Number(total[col('Shed')]) > 0 && Number(total[col('Requests')]) - Number(total[col('Shed')]) >= 5;
    }, 'shed and successful LLM requests');
    if (HAS_CHROMIUM) {
      const browser = await launchChromium();
      onTestFinished(() => browser.close());
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      // The address names the LLM tab: it opens once the table has rows.
      await page.goto(`${url}/#extra-llm`);
      await page.locator('#tab-extra-llm').waitFor({ state: 'visible' });
      expect(await page.locator('.tabs button[data-tab="extra-llm"]').textContent()).toBe('LLM metrics');
      expect(await page.locator('#tab-extra-llm .table-wrap thead th').allTextContents()).toContain('Current shed/s');
      await page.waitForFunction(() => document.querySelector('#tab-extra-llm .table-wrap tbody tr.total td')?.textContent === 'Aggregated');
      const models = await page.locator('#tab-extra-llm .table-wrap tbody tr:not(.total) td:nth-child(2)').allTextContents();
      expect(models.length).toBeGreaterThanOrEqual(1);
      for (const m of models) expect(MODELS).toContain(m);
      // Its charts of TTFT, ITL and E2E, under the table.
      await page.waitForFunction(() => ['llm-ttft', 'llm-itl', 'llm-e2e'].every((id) => document.querySelector(`#tab-extra-llm [data-chart="${id}"] canvas`)));
      mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test/artifacts/llm-web.png') });
    }

    expect(await (await fetch(`${url}/stop`)).json()).toMatchObject({ success: true });
    const counters = server.counters();
    const shed = counters.byStatus[503] ?? 0;
    const answered = Object.values(counters.byRoute['POST /v1/chat/completions'] ?? {}).reduce((a, b) => a + b, 0);
    expect(shed).toBeGreaterThan(0);

    const { table, col, total } = await llmRows();
    expect(table.title).toBe('LLM metrics');
    // The charts the tab draws: TTFT, ITL and E2E at the request charts' percentiles (PERCENTILES_TO_CHART: p50, p95).
    expect(table.charts!.map((c) => c.id)).toEqual(['llm-ttft', 'llm-itl', 'llm-e2e']);
    for (const c of table.charts!) {
      expect(c.series.map((s) => s.label)).toEqual(['p50', 'p95']);
      expect(c.x.length).toBeGreaterThanOrEqual(1);
      for (const s of c.series) expect(s.values).toHaveLength(c.x.length);
      expect(c.series[0]!.values.some((v) => v !== null && v > 0)).toBe(true);
    }
    expect(Number(total![col('Shed')])).toBe(shed);
    expect(Number(total![col('Requests')])).toBe(answered);
    expect(typeof total![col('Current shed/s')]).toBe('number');
    const entries = table.rows.filter((r) => r !== total);
    for (const r of entries) {
      expect(r[col('Name')]).toBe(`chat ${String(r[col('Model')])}`);
      expect(MODELS).toContain(r[col('Model')]);
    }

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('# TYPE locusta_llm_ttft_seconds histogram');
    expect(metrics).toMatch(/^locusta_llm_requests_total\{name="chat llama3\.2:1b",model="llama3\.2:1b"\} \d+$/m);
    expect(metrics).toMatch(/^locusta_llm_e2e_seconds_bucket\{name="chat [^"]+",model="[^"]+",le="\+Inf"\} \d+$/m);
    expect(counterSum(metrics, 'locusta_llm_shed_total')).toBe(shed);
    expect(counterSum(metrics, 'locusta_llm_requests_total')).toBe(answered);
    expect(counterSum(metrics, 'locusta_llm_output_tokens_total')).toBe(counters.completionTokens);

    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    const file = join(dir, 'run_llm_history.csv');
    expect(existsSync(file)).toBe(true);
    const rows = readCsv(file);
    expect(rows[0]).toEqual([...LLM_HISTORY_CSV_HEADER]);
    const h = (name: string) => rows[0]!.indexOf(name);
    const aggregated = rows.filter((row) => row[h('Name')] === 'Aggregated');
    expect(aggregated.length).toBeGreaterThanOrEqual(1);
    // With --csv-full-history, the entries too.
    expect(rows.some((row) => MODELS.includes(row[h('Model')]!))).toBe(true);
    // The last row comes from the final statistics.
    const last = aggregated[aggregated.length - 1]!;
    expect(Number(last[h('Total Shed')])).toBe(shed);
    expect(Number(last[h('Total Requests')])).toBe(answered);
  });
});
