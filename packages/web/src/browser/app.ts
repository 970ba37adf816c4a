import type { PageConfig } from '../ui/page-config.ts';
import type { ExceptionsReport, ExtraTable, HistoryPage, LogsReport, RunnerState, StatsReport, SwarmReply, TaskRatios } from './api.ts';
import { $ } from './dom.ts';
import type { ExtraTab } from './extra-tab.ts';
import { makeExtraTab, renderExtra } from './extra-tab.ts';
import { buildClassPicker, buildCustomOptions, formBody } from './form-fields.ts';
import { LiveCharts } from './live-charts.ts';
import { StatsTable } from './stats-table.ts';
import { ratioList, renderExceptions, renderFailures, renderWorkers } from './tables.ts';
import { round } from './text.ts';

// The page script, served as /assets/app.js. It polls the REST API every 2 s; fills each table
// once with one innerHTML write of escaped strings and afterwards reuses its rows, setting only
// the texts that changed (500 rows stay cheap); draws the charts with uPlot from the server's
// history; and never puts server text into markup unescaped.

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
showProfile(cfg.profile);

/** The run's name in the header, shown only when there is one. */
function showProfile(profile: string): void {
  $('m-profile').textContent = profile;
  $('m-profile-item').hidden = profile === '';
}
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
  $<HTMLInputElement>('start-profile').value = cfg.profile;
  if (cfg.runTime || cfg.profile) $<HTMLDetailsElement>('advanced').open = true;
}

function swarm(form: HTMLFormElement, errorBox: HTMLElement, button: HTMLButtonElement, done: () => void): void {
  errorBox.textContent = '';
  button.disabled = true;
  const body = formBody(form);
  void api('/swarm', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
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
      if (body.has('profile')) showProfile((cfg.profile = body.get('profile')!.replace(/[<>]/g, '').trim()));
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
  void api('/stop')
    .catch(() => undefined)
    .then(() => {
      b.disabled = false;
      b.textContent = 'Stop';
      refreshSoon();
    });
});
$('btn-reset').addEventListener('click', () => {
  void api('/stats/reset')
    .catch(() => undefined)
    .then(() => {
      lastStatsText = '';
      resetCharts();
      refreshSoon();
    });
});
$('btn-quit').addEventListener('click', () => {
  if (!window.confirm('Stop the test and quit?')) return;
  void api('/quit', { method: 'POST' }).then(() => {
    showBanner('Quit requested: this page no longer updates.');
    quitting = true;
  });
});

// ---- tabs ----------------------------------------------------------------------------------
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
const statsTable = new StatsTable(() => lastReport);
let lastExceptions: ExceptionsReport['exceptions'] = [];

function renderActive(): void {
  if (activeTab === 'stats') statsTable.render();
  else if (activeTab === 'failures') renderFailures(lastReport);
  else if (activeTab === 'exceptions') renderExceptions(lastExceptions);
  else if (activeTab === 'workers') renderWorkers(lastReport);
  else if (extraTabs[activeTab]) renderExtra(extraTabs[activeTab]);
}

// ---- extra tables --------------------------------------------------------------------------
// A tab per table the server adds, made when the table first has rows and hidden while it has none.
function extraTabFor(table: ExtraTable): ExtraTab {
  const name = `extra-${table.id}`;
  extraTabs[name] ??= makeExtraTab(name, bindTab);
  return extraTabs[name];
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
    if (activeTab === 'exceptions') renderExceptions(lastExceptions);
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
  void Promise.all(work)
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

statsTable.renderHead();
buildCustomOptions($('custom-options'), cfg.customOptions || []);
buildClassPicker($('class-picker'), cfg.classPicker);
fillStartForm();
showTab((location.hash || '#stats').slice(1));
poll();
