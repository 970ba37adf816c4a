import { describe, expect, it } from 'vitest';
import { HOSTILE, startFixture } from '../test-support/web-fixture.ts';
import type { ExtraTable } from './routes/extra-tables.ts';

const AUTH = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };

/** The JSON config the page embeds. */
async function pageConfig(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const html = await (await fetch(`${url}/`, { headers })).text();
  const json = /<script type="application\/json" id="locusta-config">([^<]*)<\/script>/.exec(html)![1]!;
  return JSON.parse(json) as Record<string, unknown>;
}

describe('extra tables and metrics from the output families', () => {
  it('serves no extra tables and plain /metrics without the options', async () => {
    const f = await startFixture();
    expect(await (await fetch(`${f.url}/stats/extra`)).json()).toEqual({ tables: [] });
    expect((await pageConfig(f.url))['hasExtraTables']).toBe(false);
    expect(await (await fetch(`${f.url}/metrics`)).text()).toMatch(/\nlocusta_current_fail_per_sec \S+\n$/);
  });

  it('serves the tables at /stats/extra and appends the metrics to /metrics, behind basic auth', async () => {
    let rows: ExtraTable['rows'] = [];
    const f = await startFixture({
      server: {
        auth: 'u:p',
        outputs: () => [
          {
            name: 'llm',
            webTable: () => ({ id: 'llm', title: 'LLM metrics', columns: ['Name', 'Requests', 'TTFT p50 (ms)'], rows, lastRowIsTotal: true }),
            // Without a final newline: the server ends the exposition with one.
            prometheus: () => `# TYPE locusta_llm_requests_total counter\nlocusta_llm_requests_total{name="chat",model="m"} ${rows.length}`,
          },
          // A family with neither a table nor metrics adds nothing.
          { name: 'steps' },
        ],
      },
    });
    expect((await fetch(`${f.url}/stats/extra`)).status).toBe(401);
    expect((await fetch(`${f.url}/metrics`)).status).toBe(401);
    expect((await pageConfig(f.url, AUTH))['hasExtraTables']).toBe(true);

    expect(await (await fetch(`${f.url}/stats/extra`, { headers: AUTH })).json()).toEqual({
      tables: [{ id: 'llm', title: 'LLM metrics', columns: ['Name', 'Requests', 'TTFT p50 (ms)'], rows: [], lastRowIsTotal: true }],
    });
    // Each poll asks again: the rows are those of the moment.
    rows = [[HOSTILE, 3, null], ['Aggregated', 3, 12.5]];
    const res = await fetch(`${f.url}/stats/extra`, { headers: AUTH });
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { tables: ExtraTable[] };
    expect(body.tables[0]!.rows).toEqual([[HOSTILE, 3, null], ['Aggregated', 3, 12.5]]);

    const metrics = await (await fetch(`${f.url}/metrics`, { headers: AUTH })).text();
    // The runner's families first, then the extra ones.
    expect(metrics.indexOf('locusta_requests_total')).toBeLessThan(metrics.indexOf('locusta_llm_requests_total'));
    expect(metrics.endsWith('\nlocusta_llm_requests_total{name="chat",model="m"} 2\n')).toBe(true);
  });
});
