import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CountingServer } from '@locusta/test-support';
import { startServer, tempDir } from '@locusta/test-support';
import { FIXTURES, ROOT, readCsv, startLocusta } from './helpers.ts';

// examples/tenants registers a family of its own (requests per tenant) with registerOutput: it
// must appear in every output, and a master must add up its workers' counts.
const EXAMPLE = join(ROOT, 'examples/tenants/locustfile.ts');
const FAILING = 'globex';

/** A target that fails one tenant's requests (503), so the failure counts are checked too. */
async function target(): Promise<CountingServer> {
  return startServer((req, res) => {
    res.statusCode = req.url?.includes(`/tenants/${FAILING}/`) ? 503 : 200;
    res.end('ok');
  });
}

/** What the server received, per tenant. */
function served(server: CountingServer): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of server.counts) {
    const tenant = /^GET \/tenants\/([^/]+)\/items$/.exec(key)?.[1];
    if (tenant !== undefined) out.set(tenant, (out.get(tenant) ?? 0) + n);
  }
  return out;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within 60 s`);
}

interface ExtraTables {
  tables: Array<{ id: string; title: string; columns: string[]; rows: Array<Array<string | number | null>> }>;
}

describe('a user-registered output family (examples/tenants)', () => {
  it.each([['local'], ['distributed']])('appears in the console, CSV, history CSV, HTML report and JSON with the server’s counts (%s)', async (mode) => {
    const server = await target();
    const dir = tempDir();
    const args = [
      '-f', EXAMPLE, '-H', server.url, '--headless', '-u', '6', '-r', '20', '-t', '3', '-s', '5',
      '--csv', join(dir, 'run'), '--html', join(dir, 'report.html'), '--json-file', join(dir, 'run'),
      ...(mode === 'distributed' ? ['--processes', '2', '--master-bind-port', '0'] : []),
    ];
    const r = await startLocusta(args).done;
    // The failed requests of one tenant make the run fail (--exit-code-on-error's 1).
    expect(r.code, r.stderr).toBe(1);
    const counts = served(server);
    expect([...counts.keys()].sort()).toEqual(['acme', 'globex', 'initech']);
    const total = sum(counts);
    expect(total).toBeGreaterThan(10);

    // PREFIX_tenants.csv: a row per tenant, then Total.
    const rows = readCsv(join(dir, 'run_tenants.csv'));
    expect(rows[0]).toEqual(['Tenant', 'Requests', 'Failures']);
    for (const [tenant, n] of counts) {
      expect(rows.find((row) => row[0] === tenant), tenant).toEqual([tenant, String(n), tenant === FAILING ? String(n) : '0']);
    }
    expect(rows.at(-1)).toEqual(['Total', String(total), String(counts.get(FAILING))]);

    // PREFIX_tenants_history.csv: rows every second once there are counts (a master has them
    // from its workers' reports), the last from the final counts.
    const history = readCsv(join(dir, 'run_tenants_history.csv'));
    expect(history[0]).toEqual(['Timestamp', 'Tenant', 'Requests', 'Failures']);
    const totals = history.filter((row) => row[1] === 'Total');
    expect(totals.length).toBeGreaterThanOrEqual(1);
    expect(totals.at(-1)!.slice(2)).toEqual([String(total), String(counts.get(FAILING))]);

    // The final console summary.
    expect(r.stderr).toContain('Requests per tenant');
    expect(r.stderr).toMatch(new RegExp(`^Total +${total} +${counts.get(FAILING)}$`, 'm'));

    // The HTML report: a section of its own.
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Requests per tenant</h2>');
    expect(html).toContain(`<tr><td>Total</td><td>${total}</td><td>${counts.get(FAILING)}</td></tr>`);

    // NAME_tenants.json beside NAME.json (Locust's array, unchanged).
    const json = JSON.parse(readFileSync(join(dir, 'run_tenants.json'), 'utf8')) as { tenants: Record<string, { requests: number; failures: number }> };
    expect(Object.fromEntries(Object.entries(json.tenants).map(([t, c]) => [t, c.requests]))).toEqual(Object.fromEntries(counts));
    expect(Array.isArray(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')))).toBe(true);
  });

  it.each([['local'], ['distributed']])('shows its table in the web UI and its counters on /metrics (%s)', async (mode) => {
    const server = await target();
    const dir = tempDir();
    const run = startLocusta([
      '-f', EXAMPLE, '-H', server.url, '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '4', '-r', '20', '-s', '5',
      '--csv', join(dir, 'run'),
      ...(mode === 'distributed' ? ['--processes', '2', '--master-bind-port', '0'] : []),
    ]);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    const tenantTable = async () => (((await (await fetch(`${url}/stats/extra`)).json()) as ExtraTables).tables.find((t) => t.id === 'tenants'));
    await until(async () => ((await tenantTable())?.rows.length ?? 0) >= 4, 'a row per tenant and Total');

    expect(await (await fetch(`${url}/stop`)).json()).toMatchObject({ success: true });
    const counts = served(server);
    // The stop let every request finish; a master gets its workers' last counts with their reports.
    const totalRow = async () => (await tenantTable())!.rows.find((row) => row[0] === 'Total');
    await until(async () => Number((await totalRow())?.[1]) === sum(counts), 'the Total row at the server’s count');
    const table = (await tenantTable())!;
    expect(table.title).toBe('Tenants');
    expect(table.columns).toEqual(['Tenant', 'Requests', 'Failures']);
    for (const [tenant, n] of counts) expect(table.rows.find((row) => row[0] === tenant)).toEqual([tenant, n, tenant === FAILING ? n : 0]);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('# TYPE locusta_tenant_requests_total counter');
    for (const [tenant, n] of counts) expect(metrics).toMatch(new RegExp(`^locusta_tenant_requests_total\\{tenant="${tenant}"\\} ${n}$`, 'm'));
    // The runner's families come first.
    expect(metrics.indexOf('locusta_requests_total')).toBeLessThan(metrics.indexOf('locusta_tenant_requests_total'));

    // The history file's rows come every second: the next ones carry the final counts.
    const historyFile = join(dir, 'run_tenants_history.csv');
    const lastTotal = () => (existsSync(historyFile) ? readCsv(historyFile).filter((row) => row[1] === 'Total').at(-1) : undefined);
    await until(async () => lastTotal()?.[2] === String(sum(counts)), 'a history row with the final Total');

    // /stats/reset zeroes the family with the request statistics.
    expect((await fetch(`${url}/stats/reset`)).status).toBe(200);
    await until(async () => ((await tenantTable())?.rows.length ?? -1) === 0, 'no rows after the reset');

    run.child.kill('SIGINT');
    const r = await run.done;
    // The reset dropped the failures too: nothing left to fail the run.
    expect(r.code).toBe(0);
  });

  it.each([
    ['output-name-clash.ts', "locusta: error: two output extensions are named 'llm': each needs its own name"],
    ['output-factory-throws.ts', "locusta: error: an output family's factory (registerOutput) failed: Error: no tenant list configured"],
  ])('refuses %s with one line before the run starts', async (file, line) => {
    const server = await startServer();
    const r = await startLocusta(['-f', join(FIXTURES, file), '-H', server.url, '--headless', '-u', '1', '-t', '2']).done;
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([line]);
    expect(server.total()).toBe(0);
  });
});
