import type { ExtraTable } from './api.ts';
import { $ } from './dom.ts';
import { ExtraCharts } from './extra-charts.ts';
import type { Column } from './fill-table.ts';
import { fillTable } from './fill-table.ts';
import { esc } from './text.ts';

// Tables the server adds (the CLI's LLM metrics), a tab each before Download data. Made with DOM
// APIs, so a table's id and title never go into markup; filled with fillTable like the others.

/** The tab of one extra table: its button, its section, and the table last polled. */
export interface ExtraTab {
  name: string;
  button: HTMLButtonElement;
  section: HTMLElement;
  table: HTMLTableElement;
  head: string;
  data: ExtraTable | null;
  /** Its charts over time, made when the table first brings some. */
  charts: ExtraCharts | null;
}

/** Adds the button and section of tab `name` before Download data; `bindTab` makes the button work. */
export function makeExtraTab(name: string, bindTab: (button: HTMLButtonElement) => void): ExtraTab {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.tab = name;
  bindTab(button);
  const download = document.querySelector('.tabs button[data-tab="download"]')!;
  download.parentNode!.insertBefore(button, download);
  const section = document.createElement('section');
  section.className = 'tab';
  section.id = `tab-${name}`;
  section.hidden = true;
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const el = document.createElement('table');
  el.createTHead();
  el.createTBody();
  wrap.appendChild(el);
  section.appendChild(wrap);
  $('tab-download').parentNode!.insertBefore(section, $('tab-download'));
  return { name, button, section, table: el, head: '', data: null, charts: null };
}

export function renderExtra(tab: ExtraTab): void {
  const t = tab.data;
  if (!t) return;
  // A column is numeric (aligned right) when its first value is a number.
  const cols: Column[] = t.columns.map((_, j) => {
    for (let i = 0; i < t.rows.length; i++) {
      const v = t.rows[i]![j];
      if (v !== null && v !== undefined) return { cls: typeof v === 'number' ? 'num' : '' };
    }
    return { cls: '' };
  });
  const head = `<tr>${t.columns.map((c, j) => `<th class="${cols[j]!.cls}">${esc(c)}</th>`).join('')}</tr>`;
  if (tab.head !== head) {
    // New columns or alignments: the rows are made again rather than reused.
    tab.head = head;
    tab.table.tHead!.innerHTML = head;
    tab.table.tBodies[0]!.innerHTML = '';
  }
  const texts = t.rows.map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))));
  const classes = texts.map((_, i) => (t.lastRowIsTotal && i === texts.length - 1 ? 'total' : ''));
  fillTable(tab.table.tBodies[0]!, cols, texts, classes, 'No data yet');
  // Charts come with the table's data; once made, a poll without them takes them away.
  if (tab.charts || (t.charts && t.charts.length > 0)) {
    tab.charts ??= new ExtraCharts(tab.section);
    tab.charts.render(t.charts ?? []);
  }
}
