import type { StatsReport, StatsRow } from './api.ts';
import { $ } from './dom.ts';
import type { Column } from './fill-table.ts';
import { fillTable } from './fill-table.ts';
import { esc, round } from './text.ts';

// The Statistics tab: Locust's columns, sortable by a click on a header, Aggregated kept last.

interface StatColumn {
  key: string;
  title: string;
  /** Sorted and shown as text, aligned left. */
  text?: boolean;
  cls?: string;
  /** Rounded to this many decimals. */
  digits?: number;
}

const STAT_COLUMNS: StatColumn[] = [
  { key: 'method', title: 'Type', text: true },
  { key: 'name', title: 'Name', text: true, cls: 'name' },
  { key: 'num_requests', title: '# Requests' },
  { key: 'num_failures', title: '# Fails' },
  { key: 'median_response_time', title: 'Median (ms)', digits: 2 },
  { key: 'response_time_percentile_0.95', title: '95%ile (ms)', digits: 2 },
  { key: 'response_time_percentile_0.99', title: '99%ile (ms)', digits: 2 },
  { key: 'avg_response_time', title: 'Average (ms)', digits: 2 },
  { key: 'min_response_time', title: 'Min (ms)', digits: 2 },
  { key: 'max_response_time', title: 'Max (ms)', digits: 2 },
  { key: 'avg_content_length', title: 'Average size (bytes)', digits: 2 },
  { key: 'current_rps', title: 'Current RPS', digits: 2 },
  { key: 'current_fail_per_sec', title: 'Current Failures/s', digits: 2 },
];

const STAT_CELLS: Column[] = STAT_COLUMNS.map((c) => ({ cls: c.text ? c.cls || '' : 'num' }));

function statTexts(row: StatsRow): string[] {
  const out = new Array<string>(STAT_COLUMNS.length);
  for (let i = 0; i < STAT_COLUMNS.length; i++) {
    const c = STAT_COLUMNS[i]!;
    const v = row[c.key];
    out[i] = c.text ? String(v) : c.digits ? round(v, c.digits) : String(v);
  }
  return out;
}

/** The statistics table; it renders the latest report that `report` gives. */
export class StatsTable {
  private sortKey: string | null = null;
  private sortDesc = false;

  constructor(private readonly report: () => StatsReport | null) {
    $<HTMLTableElement>('stats-table').tHead!.addEventListener('click', (ev) => {
      const th = (ev.target as Element).closest('th');
      if (!th) return;
      const key = th.dataset.key!;
      if (this.sortKey === key) this.sortDesc = !this.sortDesc;
      else {
        this.sortKey = key;
        this.sortDesc = false;
      }
      this.renderHead();
      this.render();
    });
  }

  renderHead(): void {
    $<HTMLTableElement>('stats-table').tHead!.innerHTML = `<tr>${STAT_COLUMNS.map((c) => {
      const cls = `sortable${c.text ? '' : ' num'}${this.sortKey === c.key ? (this.sortDesc ? ' sorted-desc' : ' sorted-asc') : ''}`;
      return `<th class="${cls}" data-key="${esc(c.key)}">${esc(c.title)}</th>`;
    }).join('')}</tr>`;
  }

  render(): void {
    const report = this.report();
    if (!report) return;
    const all = report.stats || [];
    const rows = all.slice(0, -1);
    const total = all[all.length - 1];
    if (this.sortKey) {
      const key = this.sortKey;
      const desc = this.sortDesc;
      const text = STAT_COLUMNS.some((c) => c.key === key && c.text);
      rows.sort((a, b) => {
        const x = a[key];
        const y = b[key];
        const d = text ? String(x).localeCompare(String(y)) : (Number(x) || 0) - (Number(y) || 0);
        return desc ? -d : d;
      });
    }
    if (total) rows.push(total);
    const classes = rows.map((_, i) => (total && i === rows.length - 1 ? 'total' : ''));
    fillTable($<HTMLTableElement>('stats-table').tBodies[0]!, STAT_CELLS, rows.map(statTexts), classes, 'No requests yet');
    const omitted = report.omitted_entries || 0;
    $('stats-note').textContent = [
      omitted ? `\u2026 and ${omitted} more entries (only the 500 with the most requests are listed; the requests CSV has every entry).` : '',
      report.warning || '',
    ]
      .filter(Boolean)
      .join(' ');
  }
}
