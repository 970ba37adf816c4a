import { escapeHtml } from './escape.ts';
import type { ReportEntry } from './report-data.ts';

// Table markup shared by the sections. Cells are HTML: callers escape text before passing it.

export interface Column {
  head: string;
  /** Right-aligned, tabular digits. */
  num?: boolean;
  /** Kept on one line (short codes such as the HTTP method). */
  nowrap?: boolean;
}

export interface Row {
  cells: string[];
  className?: string;
}

export function htmlTable(columns: readonly Column[], rows: readonly Row[], className = ''): string {
  const cls = (c: Column) => (c.num ? ' class="num"' : c.nowrap ? ' class="nowrap"' : '');
  const head = columns.map((c) => `<th${cls(c)}>${escapeHtml(c.head)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = row.cells.map((cell, i) => `<td${cls(columns[i] ?? { head: '' })}>${cell}</td>`).join('');
      return `<tr${row.className ? ` class="${escapeHtml(row.className)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table${className ? ` class="${escapeHtml(className)}"` : ''}><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/** The Aggregated row is always last; it is recognised by its name and empty method. */
export function isAggregated(entry: Pick<ReportEntry, 'method' | 'name'>): boolean {
  return entry.method === '' && entry.name === 'Aggregated';
}

/** Splits entries into the request rows and the Aggregated row. */
export function splitEntries(entries: readonly ReportEntry[]): { requests: ReportEntry[]; aggregated: ReportEntry | undefined } {
  const last = entries[entries.length - 1];
  if (last && isAggregated(last)) return { requests: entries.slice(0, -1), aggregated: last };
  return { requests: [...entries], aggregated: undefined };
}

/** `GET /path`, or the bare name for rows without a method. */
export function entryLabel(entry: Pick<ReportEntry, 'method' | 'name'>): string {
  return entry.method ? `${entry.method} ${entry.name}` : entry.name;
}

export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}
