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

/**
 * Rows an HTML table lists. With thousands of request names (URLs not grouped with `name=`)
 * a table of every entry made a 17 MB page that took half a minute to render; the busiest rows
 * are listed and a note counts the rest, which the CSV files keep.
 */
export const REPORT_MAX_ROWS = 500;

/** `rows` whole when at most `max`, else the `max` of highest `weight` (heaviest first) and how many are left out. */
export function busiest<T>(rows: readonly T[], weight: (row: T) => number, max = REPORT_MAX_ROWS): { rows: T[]; omitted: number } {
  if (rows.length <= max) return { rows: [...rows], omitted: 0 };
  const ranked = rows.map((row, i) => ({ row, i, w: weight(row) }));
  ranked.sort((a, b) => b.w - a.w || a.i - b.i);
  return { rows: ranked.slice(0, max).map((r) => r.row), omitted: rows.length - max };
}

/** The request rows a table lists (Aggregated kept last) and the note for those left out ('' for none). */
export function listedEntries(entries: readonly ReportEntry[]): { entries: ReportEntry[]; more: string } {
  const { requests, aggregated } = splitEntries(entries);
  const { rows, omitted } = busiest(requests, (e) => e.numRequests);
  return {
    entries: aggregated ? [...rows, aggregated] : rows,
    more: omitted > 0 ? note(`… and ${omitted.toLocaleString('en-US')} more entries (only the ${REPORT_MAX_ROWS} with the most requests are listed; every entry is in the --csv files)`) : '',
  };
}
