import type { PageConfig } from '../ui/page-config.ts';
import type { ExceptionsReport, ExtraTable, HistoryPage, LogsReport, RunnerState, StatsReport, StatsRow, SwarmReply, TaskRatios } from './api.ts';
import type { Column } from './fill-table.ts';
import { fillTable } from './fill-table.ts';
import { buildCustomOptions, formBody } from './form-fields.ts';
import { LiveCharts } from './live-charts.ts';
import { esc, round } from './text.ts';

// The page script, served as /assets/app.js. It polls the REST API every 2 s; fills each table
// once with one innerHTML write of escaped strings and afterwards reuses its rows, setting only
// the texts that changed (500 rows stay cheap); draws the charts with uPlot from the server's
// history; and never puts server text into markup unescaped.

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const cfg = JSON.parse($('locusta-config').textContent!) as PageConfig;
const BASE = cfg.basePath;
const POLL_MS = cfg.pollMs || 2000;

function api(path: string, init?: RequestInit): Promise<Response> {
  const options: RequestInit = { credentials: 'same-origin', cache: 'no-store' };
  if (init) for (const k in init) (options as Record<string, unknown>)[k] = (init as Record<string, unknown>)[k];
  return fetch(BASE + path, options);
}

// ---- top bar and state -------------------------------------------------------------------
// Unknown until the first poll, so no form flashes up on a page opened during a test.
let state: RunnerState | null = null;
let wantStartForm = false;
let wantEditForm = false;
let lastReport: StatsReport | null = null;
let lastSpawnRate = cfg.spawnRate;
let currentHost = cfg.host;
$('user-file').textContent = cfg.userFile || '';
$('m-host').textContent = currentHost || '-';
$('m-host').title = currentHost || '';
if (cfg.isDistributed) {
  $('m-workers-box').hidden = false;
  $('tab-button-workers').hidden = false;
}
if (cfg.canQuit) $('btn-quit').hidden = false;

function showBanner(text: string): void {
  const b = $('banner');
  b.textContent = text || '';
  b.hidden = !text;
}

function applyState(next: RunnerState): void {
  const previous = state;
  state = next;
  const running = state === 'spawning' || state === 'running';
  const idle = state === 'ready' || state === 'stopped';
  if (running && previous !== state) wantStartForm = false;
  if (!running) wantEditForm = false;
  const m = $('m-state');
  m.textContent = state.toUpperCase();
  m.className = `state-${state}`;
  $('btn-stop').hidden = !running;
  $('btn-edit').hidden = !running;
  $('btn-new').hidden = state !== 'stopped';
  $('start-panel').hidden = !(state === 'ready' || (idle && wantStartForm));
  $('start-cancel').hidden = state === 'ready';
  $('edit-panel').hidden = !(running && wantEditForm);
}

// ---- forms ---------------------------------------------------------------------------------
function fillStartForm(): void {
  $<HTMLInputElement>('start-users').value = String(cfg.users === null || cfg.users === undefined ? 1 : cfg.users);
  $<HTMLInputElement>('start-rate').value = String(cfg.spawnRate === null || cfg.spawnRate === undefined ? 1 : cfg.spawnRate);
  $<HTMLInputElement>('start-host').value = currentHost || '';
  $<HTMLInputElement>('start-runtime').value = cfg.runTime || '';
  if (cfg.runTime) $<HTMLDetailsElement>('advanced').open = true;
}

function swarm(form: HTMLFormElement, errorBox: HTMLElement, button: HTMLButtonElement, done: () => void): void {
  errorBox.textContent = '';
  button.disabled = true;
  const body = formBody(form);
  api('/swarm', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    .then((res) => res.json() as Promise<SwarmReply>)
    .then((reply) => {
      if (!reply.success) {
        errorBox.textContent = reply.message || 'The test could not be started';
        return;
      }
      if (typeof reply.host === 'string') {
        currentHost = reply.host;
        $('m-host').textContent = currentHost || '-';
        $('m-host').title = currentHost;
      }
      // A later New test offers the values last started with, as Locust's form does.
      cfg.users = Number(body.get('user_count'));
      cfg.spawnRate = lastSpawnRate = Number(body.get('spawn_rate'));
      if (body.has('run_time')) cfg.runTime = body.get('run_time')!;
      done();
      refreshSoon();
    })
    .catch((err: Error) => {
      errorBox.textContent = `Request failed: ${err.message}`;
    })
    .then(() => {
      button.disabled = false;
    });
}

$('start-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  swarm(ev.target as HTMLFormElement, $('start-error'), $<HTMLButtonElement>('start-button'), () => {
    wantStartForm = false;
    $('start-panel').hidden = true;
    resetCharts();
  });
});
$('edit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  swarm(ev.target as HTMLFormElement, $('edit-error'), $<HTMLButtonElement>('edit-button'), () => {
    wantEditForm = false;
    $('edit-panel').hidden = true;
  });
});
$('btn-new').addEventListener('click', () => {
  wantStartForm = true;
  fillStartForm();
  applyState(state!);
});
$('start-cancel').addEventListener('click', () => {
  wantStartForm = false;
  applyState(state!);
});
$('btn-edit').addEventListener('click', () => {
  wantEditForm = true;
  $<HTMLInputElement>('edit-users').value = String(lastReport ? lastReport.user_count : 1);
  $<HTMLInputElement>('edit-rate').value = String(lastSpawnRate || 1);
  applyState(state!);
});
$('edit-cancel').addEventListener('click', () => {
  wantEditForm = false;
  applyState(state!);
});
$('btn-stop').addEventListener('click', () => {
  const b = $<HTMLButtonElement>('btn-stop');
  b.disabled = true;
  b.textContent = 'Stopping';
  api('/stop')
    .catch(() => undefined)
    .then(() => {
      b.disabled = false;
      b.textContent = 'Stop';
      refreshSoon();
    });
});
$('btn-reset').addEventListener('click', () => {
  api('/stats/reset')
    .catch(() => undefined)
    .then(() => {
      lastStatsText = '';
      resetCharts();
      refreshSoon();
    });
});
$('btn-quit').addEventListener('click', () => {
  if (!window.confirm('Stop the test and quit?')) return;
  api('/quit', { method: 'POST' }).then(() => {
    showBanner('Quit requested: this page no longer updates.');
    quitting = true;
  });
});

// ---- tabs ----------------------------------------------------------------------------------
/** The tab of one of the server's extra tables; see below. */
interface ExtraTab {
  name: string;
  button: HTMLButtonElement;
  section: HTMLElement;
  table: HTMLTableElement;
  head: string;
  data: ExtraTable | null;
}

let activeTab = 'stats';
const TABS = ['stats', 'charts', 'failures', 'exceptions', 'workers', 'ratios', 'download', 'logs'];
// The tabs of the server's extra tables, by tab name ('extra-' + table id).
const extraTabs: Record<string, ExtraTab> = {};
// An extra tab the address asked for before its table arrived: shown once it has rows.
let wantedTab: string | null = null;
function showTab(tab: string): void {
  let name = tab;
  if (TABS.indexOf(name) < 0 && !extraTabs[name]) {
    if (name.indexOf('extra-') === 0) wantedTab = name;
    name = 'stats';
  }
  activeTab = name;
  document.querySelectorAll<HTMLButtonElement>('.tabs button').forEach((b) => {
    b.classList.toggle('active', b.dataset.tab === name);
  });
  TABS.forEach((t) => {
    $(`tab-${t}`).hidden = t !== name;
  });
  Object.keys(extraTabs).forEach((t) => {
    extraTabs[t]!.section.hidden = t !== name;
  });
  if (name === 'charts') charts.resize();
  renderActive();
  if (name === 'logs' || name === 'ratios' || name === 'exceptions') refreshSoon();
}
function bindTab(b: HTMLButtonElement): void {
  b.addEventListener('click', () => {
    wantedTab = null;
    if (history.replaceState) history.replaceState(null, '', `#${b.dataset.tab}`);
    showTab(b.dataset.tab!);
  });
}
document.querySelectorAll<HTMLButtonElement>('.tabs button').forEach(bindTab);

// ---- tables --------------------------------------------------------------------------------
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
let sortKey: string | null = null;
let sortDesc = false;

function renderStatsHead(): void {
  $<HTMLTableElement>('stats-table').tHead!.innerHTML = `<tr>${STAT_COLUMNS.map((c) => {
    const cls = `sortable${c.text ? '' : ' num'}${sortKey === c.key ? (sortDesc ? ' sorted-desc' : ' sorted-asc') : ''}`;
    return `<th class="${cls}" data-key="${esc(c.key)}">${esc(c.title)}</th>`;
  }).join('')}</tr>`;
}
$<HTMLTableElement>('stats-table').tHead!.addEventListener('click', (ev) => {
  const th = (ev.target as Element).closest('th');
  if (!th) return;
  const key = th.dataset.key!;
  if (sortKey === key) sortDesc = !sortDesc;
  else {
    sortKey = key;
    sortDesc = false;
  }
  renderStatsHead();
  renderStats();
});

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

function renderStats(): void {
  if (!lastReport) return;
  const all = lastReport.stats || [];
  const rows = all.slice(0, -1);
  const total = all[all.length - 1];
  if (sortKey) {
    const key = sortKey;
    const text = STAT_COLUMNS.some((c) => c.key === key && c.text);
    rows.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const d = text ? String(x).localeCompare(String(y)) : (Number(x) || 0) - (Number(y) || 0);
      return sortDesc ? -d : d;
    });
  }
  if (total) rows.push(total);
  const classes = rows.map((_, i) => (total && i === rows.length - 1 ? 'total' : ''));
  fillTable($<HTMLTableElement>('stats-table').tBodies[0]!, STAT_CELLS, rows.map(statTexts), classes, 'No requests yet');
  const omitted = lastReport.omitted_entries || 0;
  $('stats-note').textContent = [
    omitted ? `\u2026 and ${omitted} more entries (only the 500 with the most requests are listed; the requests CSV has every entry).` : '',
    lastReport.warning || '',
  ]
    .filter(Boolean)
    .join(' ');
}

const FAILURE_CELLS: Column[] = [{ cls: 'num' }, {}, { cls: 'name' }, { pre: true }];
function renderFailures(): void {
  const errors = (lastReport && lastReport.errors) || [];
  fillTable(
    $<HTMLTableElement>('failures-table').tBodies[0]!,
    FAILURE_CELLS,
    errors.map((e) => [String(e.occurrences), e.method, e.name, e.error]),
    [],
    'No failures',
  );
  const omitted = (lastReport && lastReport.omitted_errors) || 0;
  $('failures-note').textContent = omitted ? `\u2026 and ${omitted} more failures (only the 500 most frequent are listed; the failures CSV has every one).` : '';
}

let lastExceptions: ExceptionsReport['exceptions'] = [];
const EXCEPTION_CELLS: Column[] = [{ cls: 'num' }, { pre: true }, { pre: true }, {}];
function renderExceptions(): void {
  fillTable(
    $<HTMLTableElement>('exceptions-table').tBodies[0]!,
    EXCEPTION_CELLS,
    lastExceptions.map((e) => [String(e.count), e.msg, e.traceback, e.nodes]),
    [],
    'No exceptions',
  );
}

const WORKER_CELLS: Column[] = [{}, {}, { cls: 'num' }, { cls: 'num' }, { cls: 'num' }];
function renderWorkers(): void {
  const workers = (lastReport && lastReport.workers) || [];
  fillTable(
    $<HTMLTableElement>('workers-table').tBodies[0]!,
    WORKER_CELLS,
    workers.map((w) => [w.id, w.state, String(w.user_count), `${round(w.cpu_usage, 1)} %`, `${round(w.memory_usage / 1048576, 1)} MB`]),
    [],
    'No workers connected',
  );
}

function ratioList(tree: TaskRatios | undefined): string {
  const names = Object.keys(tree || {});
  if (!names.length) return '<p class="note">No users running</p>';
  return `<ul>${names
    .map((n) => {
      const node = tree![n]!;
      return `<li><span class="pct">${esc(round(node.ratio * 100, 1))}%</span> ${esc(n)}${node.tasks ? ratioList(node.tasks) : ''}</li>`;
    })
    .join('')}</ul>`;
}

function renderActive(): void {
  if (activeTab === 'stats') renderStats();
  else if (activeTab === 'failures') renderFailures();
  else if (activeTab === 'exceptions') renderExceptions();
  else if (activeTab === 'workers') renderWorkers();
  else if (extraTabs[activeTab]) renderExtra(extraTabs[activeTab]);
}

// ---- extra tables --------------------------------------------------------------------------
// Tables the server adds (the CLI's LLM metrics), a tab each before Download data, made when
// a table first has rows and hidden while it has none. Made with DOM APIs, so a table's id and
// title never go into markup; filled with fillTable like the tables above.
function extraTabFor(table: ExtraTable): ExtraTab {
  const name = `extra-${table.id}`;
  const existing = extraTabs[name];
  if (existing) return existing;
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
  const tab: ExtraTab = { name, button, section, table: el, head: '', data: null };
  extraTabs[name] = tab;
  return tab;
}

function renderExtra(tab: ExtraTab): void {
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
}

function applyExtra(tables: ExtraTable[]): void {
  const seen: Record<string, boolean> = {};
  tables.forEach((t) => {
    const name = `extra-${t.id}`;
    seen[name] = true;
    if (!extraTabs[name] && !t.rows.length) return;
    const tab = extraTabFor(t);
    tab.data = t;
    if (tab.button.textContent !== t.title) tab.button.textContent = t.title;
  });
  Object.keys(extraTabs).forEach((name) => {
    const tab = extraTabs[name]!;
    if (!seen[name] && tab.data) tab.data = { id: tab.data.id, title: tab.data.title, columns: tab.data.columns, rows: [] };
    const empty = !tab.data || !tab.data.rows.length;
    tab.button.hidden = empty && activeTab !== name;
    if (wantedTab === name && !empty) {
      wantedTab = null;
      showTab(name);
    }
  });
}

// ---- charts --------------------------------------------------------------------------------
const charts = new LiveCharts($);
let historyRun: number | null = null;
let historyNext = 0;

window.addEventListener('resize', () => {
  if (activeTab === 'charts') charts.resize();
});

function resetCharts(): void {
  charts.clear();
  historyRun = null;
  charts.redraw();
}

// ---- polling -------------------------------------------------------------------------------
let lastStatsText = '';
let lastExceptionsText = '';
let quitting = false;
let timer: number | null = null;
let busy = false;

function fetchJsonText(path: string): Promise<string> {
  return api(path).then((res) => {
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.text();
  });
}

function refreshStats(): Promise<void> {
  return fetchJsonText('/stats/requests').then((text) => {
    const report = JSON.parse(text) as StatsReport;
    applyState(report.state);
    $('m-users').textContent = String(report.user_count);
    $('m-rps').textContent = round(report.current_rps || 0, 1);
    $('m-fail').textContent = `${round((report.fail_ratio || 0) * 100, 0)}%`;
    if (cfg.isDistributed) $('m-workers').textContent = String(report.worker_count || 0);
    $('count-failures').textContent = report.errors && report.errors.length ? String(report.errors.length + (report.omitted_errors || 0)) : '';
    if (text === lastStatsText) return;
    lastStatsText = text;
    lastReport = report;
    if (!document.hidden) renderActive();
  });
}

function refreshHistory(): Promise<void> {
  const path = `/stats/history${historyRun === null ? '' : `?run=${historyRun}&after=${historyNext}`}`;
  return fetchJsonText(path).then((text) => {
    const page = JSON.parse(text) as HistoryPage;
    if (page.full) charts.clear();
    historyRun = page.run;
    historyNext = page.next;
    if (page.full || page.history.length) {
      charts.add(page.history);
      charts.redraw();
    }
  });
}

function refreshExceptions(): Promise<void> {
  return fetchJsonText('/exceptions').then((text) => {
    const data = JSON.parse(text) as ExceptionsReport;
    $('count-exceptions').textContent = data.exceptions.length ? String(data.exceptions.length) : '';
    if (text === lastExceptionsText) return;
    lastExceptionsText = text;
    lastExceptions = data.exceptions;
    if (activeTab === 'exceptions') renderExceptions();
  });
}

function refreshLogs(): Promise<void> {
  return fetchJsonText('/logs').then((text) => {
    const data = JSON.parse(text) as LogsReport;
    const pre = $('logs-master');
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = data.master.join('\n');
    if (atBottom) pre.scrollTop = pre.scrollHeight;
    const box = $('logs-workers');
    box.textContent = '';
    const workers = data.workers || {};
    Object.keys(workers).forEach((id) => {
      const h = document.createElement('h3');
      h.textContent = id;
      const p = document.createElement('pre');
      p.className = 'logs';
      p.textContent = workers[id]!.join('\n');
      box.appendChild(h);
      box.appendChild(p);
    });
  });
}

let lastExtraText = '';
function refreshExtra(): Promise<void> {
  return fetchJsonText('/stats/extra').then((text) => {
    if (text === lastExtraText) return;
    lastExtraText = text;
    applyExtra((JSON.parse(text) as { tables?: ExtraTable[] }).tables || []);
    if (extraTabs[activeTab] && !document.hidden) renderExtra(extraTabs[activeTab]);
  });
}

function refreshRatios(): Promise<void> {
  return fetchJsonText('/tasks').then((text) => {
    const data = JSON.parse(text) as { per_class?: TaskRatios; total?: TaskRatios };
    $('ratios-per-class').innerHTML = ratioList(data.per_class);
    $('ratios-total').innerHTML = ratioList(data.total);
  });
}

let cycle = 0;
let again = false;
function poll(): void {
  timer = null;
  if (quitting || busy) return;
  busy = true;
  again = false;
  const work = [refreshStats(), refreshHistory()];
  if (cfg.hasExtraTables) work.push(refreshExtra());
  if (activeTab === 'exceptions' || cycle % 3 === 0) work.push(refreshExceptions());
  if (activeTab === 'logs') work.push(refreshLogs());
  if (activeTab === 'ratios') work.push(refreshRatios());
  cycle++;
  Promise.all(work)
    .then(
      () => showBanner(''),
      (err: Error) => showBanner(`Cannot reach the Locusta server (${err.message}); retrying.`),
    )
    .then(() => {
      busy = false;
      if (!quitting) timer = window.setTimeout(poll, again ? 50 : POLL_MS);
    });
}
// After an action: poll now, or right after the poll in flight (which may predate the action).
function refreshSoon(): void {
  if (busy) {
    again = true;
    return;
  }
  if (timer) window.clearTimeout(timer);
  timer = window.setTimeout(poll, 50);
}

renderStatsHead();
buildCustomOptions($('custom-options'), cfg.customOptions || []);
fillStartForm();
showTab((location.hash || '#stats').slice(1));
poll();
