import { HttpUser, PrometheusText, between, csvRow, csvTable, escapeHtml, registerOutput, task } from 'locusta';
import type { CsvColumn, OutputCsvFile, OutputExtension, OutputHistoryCsv, OutputSection, OutputTable } from 'locusta';

/** The tenants this user file spreads its requests over. */
const TENANTS = ['acme', 'globex', 'initech'];

interface Counts {
  requests: number;
  failures: number;
}

/** A row of every table: a tenant, or the Total row last. */
interface Row extends Counts {
  tenant: string;
}

/** PREFIX_tenants.csv's columns: one line each. */
const COLUMNS: readonly CsvColumn<Row>[] = [
  { header: 'Tenant', value: (r) => r.tenant },
  { header: 'Requests', value: (r) => r.requests },
  { header: 'Failures', value: (r) => r.failures },
];

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Requests and failures per tenant: a family of statistics of its own, shown in every output of
 * the run (console summary, PREFIX_tenants.csv, PREFIX_tenants_history.csv, the HTML report, a
 * tab of the web UI, `/metrics`, NAME_tenants.json) and merged from the workers on the master.
 */
class TenantCounts implements OutputExtension {
  readonly name = 'tenants';
  #counts = new Map<string, Counts>();

  add(tenant: string, failed: boolean): void {
    const c = this.#counts.get(tenant) ?? { requests: 0, failures: 0 };
    c.requests++;
    if (failed) c.failures++;
    this.#counts.set(tenant, c);
  }

  /** The tenants by name, then Total; no rows before the first request. */
  rows(): Row[] {
    if (this.#counts.size === 0) return [];
    const rows = [...this.#counts].sort(([a], [b]) => a.localeCompare(b)).map(([tenant, c]) => ({ tenant, ...c }));
    const total = rows.reduce((t, r) => ({ tenant: 'Total', requests: t.requests + r.requests, failures: t.failures + r.failures }), {
      tenant: 'Total',
      requests: 0,
      failures: 0,
    });
    return [...rows, total];
  }

  consoleTable(): string {
    const rows = this.rows();
    if (rows.length === 0) return '';
    const lines = rows.map((r) => `${r.tenant.padEnd(20)} ${String(r.requests).padStart(10)} ${String(r.failures).padStart(10)}`);
    return ['Requests per tenant', `${'Tenant'.padEnd(20)} ${'# reqs'.padStart(10)} ${'# fails'.padStart(10)}`, ...lines].join('\n') + '\n\n';
  }

  csvFiles(): OutputCsvFile[] {
    const rows = this.rows();
    return rows.length === 0 ? [] : [{ suffix: 'tenants', content: csvTable(COLUMNS, rows) }];
  }

  /** Every second: the cumulative counts of each tenant and the total. */
  readonly historyCsv: OutputHistoryCsv = {
    suffix: 'tenants_history',
    header: () => csvRow(['Timestamp', ...COLUMNS.map((c) => c.header)]),
    rows: () => {
      const now = Math.trunc(Date.now() / 1000);
      return this.rows()
        .map((r) => csvRow([now, ...COLUMNS.map((c) => c.value(r))]))
        .join('');
    },
  };

  htmlSection(): OutputSection | undefined {
    const rows = this.rows();
    if (rows.length === 0) return undefined;
    const cells = (r: Row) => COLUMNS.map((c) => `<td>${escapeHtml(String(c.value(r)))}</td>`).join('');
    const head = COLUMNS.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
    return { title: 'Requests per tenant', html: `<table><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${cells(r)}</tr>`).join('')}</tbody></table>` };
  }

  webTable(): OutputTable {
    return { id: 'tenants', title: 'Tenants', columns: COLUMNS.map((c) => c.header), rows: this.rows().map((r) => COLUMNS.map((c) => c.value(r))), lastRowIsTotal: true };
  }

  prometheus(): string {
    if (this.#counts.size === 0) return '';
    const m = new PrometheusText();
    m.family('locusta_tenant_requests_total', 'counter', 'Requests per tenant.');
    for (const [tenant, c] of this.#counts) m.sample('locusta_tenant_requests_total', [['tenant', tenant]], c.requests);
    m.family('locusta_tenant_failures_total', 'counter', 'Failed requests per tenant.');
    for (const [tenant, c] of this.#counts) m.sample('locusta_tenant_failures_total', [['tenant', tenant]], c.failures);
    return m.text();
  }

  json(): unknown {
    return this.#counts.size === 0 ? undefined : { tenants: Object.fromEntries(this.#counts) };
  }

  /** A worker sends what it counted since its last report, then counts from zero. */
  takeReport(): unknown {
    if (this.#counts.size === 0) return undefined;
    const part = Object.fromEntries(this.#counts);
    this.#counts = new Map();
    return part;
  }

  /** The master refuses a malformed part before merging any of the report. */
  checkReport(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
    for (const [tenant, c] of Object.entries(value)) {
      const counts = c as Partial<Counts> | null;
      if (!isCount(counts?.requests) || !isCount(counts?.failures) || counts.failures > counts.requests) return `${tenant}: expected request and failure counts`;
    }
    return undefined;
  }

  merge(value: unknown): void {
    for (const [tenant, c] of Object.entries(value as Record<string, Counts>)) {
      const mine = this.#counts.get(tenant) ?? { requests: 0, failures: 0 };
      this.#counts.set(tenant, { requests: mine.requests + c.requests, failures: mine.failures + c.failures });
    }
  }

  reset(): void {
    this.#counts = new Map();
  }
}

/** Every run of this user file gets its TenantCounts; `tenants.of(environment)` finds it. */
export const tenants = registerOutput(() => new TenantCounts());

export class TenantUser extends HttpUser {
  waitTime = between(0.05, 0.2);

  @task
  async items() {
    const tenant = TENANTS[Math.floor(Math.random() * TENANTS.length)]!;
    const res = await this.client.get(`/tenants/${tenant}/items`, { name: '/tenants/[tenant]/items' });
    tenants.of(this.environment).add(tenant, !res.ok);
  }
}
