import { esc } from './text.ts';

// Tables are filled from arrays of cell texts. The first fill is one innerHTML write of
// escaped strings; later fills reuse the rows and only set the text of cells that changed, so
// a refresh of 500 rows creates no elements and keeps the browser's table layout work small.

/** How a column's cells look: a class (trusted, never from the server), and text in a <pre>. */
export interface Column {
  cls?: string;
  pre?: boolean;
}

function rowHtml(cols: readonly Column[], cells: readonly string[], cls: string | undefined): string {
  let out = `<tr${cls ? ` class="${cls}"` : ''}>`;
  for (let j = 0; j < cols.length; j++) {
    const text = esc(cells[j]);
    out += `<td class="${cols[j]!.cls || ''}">${cols[j]!.pre ? `<pre>${text}</pre>` : text}</td>`;
  }
  return `${out}</tr>`;
}

/** Shows `rows` (one text per column) in `tbody`, or one cell of `emptyText` when there are none. */
export function fillTable(tbody: HTMLTableSectionElement, cols: readonly Column[], rows: ReadonlyArray<readonly string[]>, rowClasses: readonly string[], emptyText: string): void {
  if (!rows.length) {
    tbody.innerHTML = `<tr><td colspan="${cols.length}" class="empty">${esc(emptyText)}</td></tr>`;
    return;
  }
  // A snapshot: indexing the live rows collection after each text change would re-walk it.
  const trs = Array.prototype.slice.call(tbody.rows) as HTMLTableRowElement[];
  if (!trs.length || trs[0]!.cells.length !== cols.length || trs[0]!.cells[0]!.className === 'empty') {
    const html = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) html[i] = rowHtml(cols, rows[i]!, rowClasses[i]);
    tbody.innerHTML = html.join('');
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const tr = trs[i];
    if (!tr) {
      const rest: string[] = [];
      for (let k = i; k < rows.length; k++) rest.push(rowHtml(cols, rows[k]!, rowClasses[k]));
      tbody.insertAdjacentHTML('beforeend', rest.join(''));
      break;
    }
    const cls = rowClasses[i] || '';
    if (tr.className !== cls) tr.className = cls;
    const cells = rows[i]!;
    const tds = Array.prototype.slice.call(tr.cells) as HTMLTableCellElement[];
    for (let j = 0; j < cols.length; j++) {
      const target = cols[j]!.pre ? tds[j]!.firstChild! : tds[j]!;
      const text = String(cells[j]);
      if (target.textContent !== text) target.textContent = text;
    }
  }
  for (let i = rows.length; i < trs.length; i++) tbody.removeChild(trs[i]!);
}
