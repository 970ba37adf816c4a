/**
 * The page script, served as /assets/app.js. Plain browser JavaScript in a raw string (no build
 * step): it must not contain backticks or "${". It polls the REST API every 2 s; fills each
 * table once with one innerHTML write of escaped strings and afterwards reuses its rows, setting
 * only the texts that changed (500 rows stay cheap); draws the charts with uPlot from the
 * server's history; and never puts server text into markup unescaped.
 */
export const APP_JS: string = String.raw`(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('locusta-config').textContent);
  var BASE = cfg.basePath;
  var POLL_MS = cfg.pollMs || 2000;
  var MAX_POINTS = 10000;
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

  function $(id) { return document.getElementById(id); }
  function esc(v) { return String(v === null || v === undefined ? '' : v).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function api(path, init) {
    var options = { credentials: 'same-origin', cache: 'no-store' };
    if (init) for (var k in init) options[k] = init[k];
    return fetch(BASE + path, options);
  }
  function round(v, digits) {
    if (v === null || v === undefined || v === '') return '-';
    var n = Number(v);
    if (!isFinite(n)) return '-';
    var f = Math.pow(10, digits || 0);
    return String(Math.round(n * f) / f);
  }

  // ---- top bar and state -------------------------------------------------------------------
  // Unknown until the first poll, so no form flashes up on a page opened during a test.
  var state = null;
  var wantStartForm = false;
  var wantEditForm = false;
  var lastReport = null;
  var lastSpawnRate = cfg.spawnRate;
  var currentHost = cfg.host;
  $('user-file').textContent = cfg.userFile || '';
  $('m-host').textContent = currentHost || '-';
  $('m-host').title = currentHost || '';
  if (cfg.isDistributed) { $('m-workers-box').hidden = false; $('tab-button-workers').hidden = false; }
  if (cfg.canQuit) $('btn-quit').hidden = false;

  function showBanner(text) {
    var b = $('banner');
    b.textContent = text || '';
    b.hidden = !text;
  }

  function applyState(next) {
    var previous = state;
    state = next;
    var running = state === 'spawning' || state === 'running';
    var idle = state === 'ready' || state === 'stopped';
    if (running && previous !== state) wantStartForm = false;
    if (!running) wantEditForm = false;
    var m = $('m-state');
    m.textContent = state.toUpperCase();
    m.className = 'state-' + state;
    $('btn-stop').hidden = !running;
    $('btn-edit').hidden = !running;
    $('btn-new').hidden = state !== 'stopped';
    $('start-panel').hidden = !(state === 'ready' || (idle && wantStartForm));
    $('start-cancel').hidden = state === 'ready';
    $('edit-panel').hidden = !(running && wantEditForm);
  }

  // ---- forms ---------------------------------------------------------------------------------
  function fillStartForm() {
    $('start-users').value = cfg.users === null || cfg.users === undefined ? 1 : cfg.users;
    $('start-rate').value = cfg.spawnRate === null || cfg.spawnRate === undefined ? 1 : cfg.spawnRate;
    $('start-host').value = currentHost || '';
    $('start-runtime').value = cfg.runTime || '';
    if (cfg.runTime) $('advanced').open = true;
  }

  function buildCustomOptions() {
    var box = $('custom-options');
    var options = cfg.customOptions || [];
    if (!options.length) return;
    box.hidden = false;
    options.forEach(function (o) {
      var label = document.createElement('label');
      var input;
      if (o.type === 'boolean') {
        label.className = 'check';
        input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = o.value === true || o.value === 'true';
        input.dataset.kind = 'boolean';
      } else if (o.choices && o.choices.length) {
        input = document.createElement('select');
        o.choices.forEach(function (c) {
          var opt = document.createElement('option');
          opt.value = String(c);
          opt.textContent = String(c);
          if (String(c) === String(o.value)) opt.selected = true;
          input.appendChild(opt);
        });
      } else {
        input = document.createElement('input');
        input.type = o.secret ? 'password' : o.type === 'number' ? 'number' : 'text';
        if (o.type === 'number') input.step = 'any';
        var v = o.value;
        input.value = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
      }
      input.name = o.name;
      var title = document.createElement('span');
      title.textContent = o.name;
      if (o.type === 'boolean') { label.appendChild(input); label.appendChild(title); }
      else { label.appendChild(title); label.appendChild(input); }
      if (o.help) {
        var help = document.createElement('span');
        help.className = 'help';
        help.textContent = o.help;
        label.appendChild(help);
      }
      box.appendChild(label);
    });
  }

  function formBody(form) {
    var body = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === 'checkbox') body.append(el.name, el.checked ? 'true' : 'false');
      else body.append(el.name, el.value);
    });
    return body;
  }

  function swarm(form, errorBox, button, done) {
    errorBox.textContent = '';
    button.disabled = true;
    var body = formBody(form);
    api('/swarm', { method: 'POST', body: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      .then(function (res) { return res.json(); })
      .then(function (reply) {
        if (!reply.success) { errorBox.textContent = reply.message || 'The test could not be started'; return; }
        if (typeof reply.host === 'string') { currentHost = reply.host; $('m-host').textContent = currentHost || '-'; $('m-host').title = currentHost; }
        // A later New test offers the values last started with, as Locust's form does.
        cfg.users = Number(body.get('user_count'));
        cfg.spawnRate = lastSpawnRate = Number(body.get('spawn_rate'));
        if (body.has('run_time')) cfg.runTime = body.get('run_time');
        done();
        refreshSoon();
      })
      .catch(function (err) { errorBox.textContent = 'Request failed: ' + err.message; })
      .then(function () { button.disabled = false; });
  }

  $('start-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    swarm(ev.target, $('start-error'), $('start-button'), function () {
      wantStartForm = false;
      $('start-panel').hidden = true;
      resetCharts();
    });
  });
  $('edit-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    swarm(ev.target, $('edit-error'), $('edit-button'), function () {
      wantEditForm = false;
      $('edit-panel').hidden = true;
    });
  });
  $('btn-new').addEventListener('click', function () { wantStartForm = true; fillStartForm(); applyState(state); });
  $('start-cancel').addEventListener('click', function () { wantStartForm = false; applyState(state); });
  $('btn-edit').addEventListener('click', function () {
    wantEditForm = true;
    $('edit-users').value = lastReport ? lastReport.user_count : 1;
    $('edit-rate').value = lastSpawnRate || 1;
    applyState(state);
  });
  $('edit-cancel').addEventListener('click', function () { wantEditForm = false; applyState(state); });
  $('btn-stop').addEventListener('click', function () {
    var b = $('btn-stop');
    b.disabled = true;
    b.textContent = 'Stopping';
    api('/stop').catch(function () {}).then(function () { b.disabled = false; b.textContent = 'Stop'; refreshSoon(); });
  });
  $('btn-reset').addEventListener('click', function () {
    api('/stats/reset').catch(function () {}).then(function () { lastStatsText = ''; resetCharts(); refreshSoon(); });
  });
  $('btn-quit').addEventListener('click', function () {
    if (!window.confirm('Stop the test and quit?')) return;
    api('/quit', { method: 'POST' }).then(function () { showBanner('Quit requested: this page no longer updates.'); quitting = true; });
  });

  // ---- tabs ----------------------------------------------------------------------------------
  var activeTab = 'stats';
  var TABS = ['stats', 'charts', 'failures', 'exceptions', 'workers', 'ratios', 'download', 'logs'];
  // The tabs of the server's extra tables, by tab name ('extra-' + table id); see below.
  var extraTabs = {};
  // An extra tab the address asked for before its table arrived: shown once it has rows.
  var wantedTab = null;
  function showTab(name) {
    if (TABS.indexOf(name) < 0 && !extraTabs[name]) {
      if (name.indexOf('extra-') === 0) wantedTab = name;
      name = 'stats';
    }
    activeTab = name;
    Array.prototype.forEach.call(document.querySelectorAll('.tabs button'), function (b) {
      b.classList.toggle('active', b.dataset.tab === name);
    });
    TABS.forEach(function (t) { $('tab-' + t).hidden = t !== name; });
    Object.keys(extraTabs).forEach(function (t) { extraTabs[t].section.hidden = t !== name; });
    if (name === 'charts') resizeCharts();
    renderActive();
    if (name === 'logs' || name === 'ratios' || name === 'exceptions') refreshSoon();
  }
  function bindTab(b) {
    b.addEventListener('click', function () {
      wantedTab = null;
      if (history.replaceState) history.replaceState(null, '', '#' + b.dataset.tab);
      showTab(b.dataset.tab);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('.tabs button'), bindTab);

  // ---- tables --------------------------------------------------------------------------------
  var STAT_COLUMNS = [
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
    { key: 'current_fail_per_sec', title: 'Current Failures/s', digits: 2 }
  ];
  var sortKey = null;
  var sortDesc = false;

  function renderStatsHead() {
    $('stats-table').tHead.innerHTML = '<tr>' + STAT_COLUMNS.map(function (c) {
      var cls = 'sortable' + (c.text ? '' : ' num') + (sortKey === c.key ? (sortDesc ? ' sorted-desc' : ' sorted-asc') : '');
      return '<th class="' + cls + '" data-key="' + esc(c.key) + '">' + esc(c.title) + '</th>';
    }).join('') + '</tr>';
  }
  $('stats-table').tHead.addEventListener('click', function (ev) {
    var th = ev.target.closest('th');
    if (!th) return;
    var key = th.dataset.key;
    if (sortKey === key) sortDesc = !sortDesc; else { sortKey = key; sortDesc = false; }
    renderStatsHead();
    renderStats();
  });

  // Tables are filled from arrays of cell texts. The first fill is one innerHTML write of
  // escaped strings; later fills reuse the rows and only set the text of cells that changed, so
  // a refresh of 500 rows creates no elements and keeps the browser's table layout work small.
  function rowHtml(cols, cells, cls) {
    var out = '<tr' + (cls ? ' class="' + cls + '"' : '') + '>';
    for (var j = 0; j < cols.length; j++) {
      var text = esc(cells[j]);
      out += '<td class="' + (cols[j].cls || '') + '">' + (cols[j].pre ? '<pre>' + text + '</pre>' : text) + '</td>';
    }
    return out + '</tr>';
  }
  function fillTable(tbody, cols, rows, rowClasses, emptyText) {
    if (!rows.length) {
      tbody.innerHTML = '<tr><td colspan="' + cols.length + '" class="empty">' + esc(emptyText) + '</td></tr>';
      return;
    }
    // A snapshot: indexing the live rows collection after each text change would re-walk it.
    var trs = Array.prototype.slice.call(tbody.rows);
    var i;
    if (!trs.length || trs[0].cells.length !== cols.length || trs[0].cells[0].className === 'empty') {
      var html = new Array(rows.length);
      for (i = 0; i < rows.length; i++) html[i] = rowHtml(cols, rows[i], rowClasses[i]);
      tbody.innerHTML = html.join('');
      return;
    }
    for (i = 0; i < rows.length; i++) {
      var tr = trs[i];
      if (!tr) {
        var rest = [];
        for (var k = i; k < rows.length; k++) rest.push(rowHtml(cols, rows[k], rowClasses[k]));
        tbody.insertAdjacentHTML('beforeend', rest.join(''));
        break;
      }
      var cls = rowClasses[i] || '';
      if (tr.className !== cls) tr.className = cls;
      var cells = rows[i];
      var tds = Array.prototype.slice.call(tr.cells);
      for (var j = 0; j < cols.length; j++) {
        var target = cols[j].pre ? tds[j].firstChild : tds[j];
        var text = String(cells[j]);
        if (target.textContent !== text) target.textContent = text;
      }
    }
    for (i = rows.length; i < trs.length; i++) tbody.removeChild(trs[i]);
  }

  var STAT_CELLS = STAT_COLUMNS.map(function (c) { return { cls: c.text ? c.cls || '' : 'num' }; });
  function statTexts(row) {
    var out = new Array(STAT_COLUMNS.length);
    for (var i = 0; i < STAT_COLUMNS.length; i++) {
      var c = STAT_COLUMNS[i];
      var v = row[c.key];
      out[i] = c.text ? String(v) : c.digits ? round(v, c.digits) : String(v);
    }
    return out;
  }

  function renderStats() {
    if (!lastReport) return;
    var all = lastReport.stats || [];
    var rows = all.slice(0, -1);
    var total = all[all.length - 1];
    if (sortKey) {
      var key = sortKey;
      var text = STAT_COLUMNS.some(function (c) { return c.key === key && c.text; });
      rows.sort(function (a, b) {
        var x = a[key], y = b[key];
        var d = text ? String(x).localeCompare(String(y)) : (Number(x) || 0) - (Number(y) || 0);
        return sortDesc ? -d : d;
      });
    }
    if (total) rows.push(total);
    var classes = rows.map(function (_, i) { return total && i === rows.length - 1 ? 'total' : ''; });
    fillTable($('stats-table').tBodies[0], STAT_CELLS, rows.map(statTexts), classes, 'No requests yet');
    var omitted = lastReport.omitted_entries || 0;
    $('stats-note').textContent = [
      omitted ? '\u2026 and ' + omitted + ' more entries (only the 500 with the most requests are listed; the requests CSV has every entry).' : '',
      lastReport.warning || '',
    ].filter(Boolean).join(' ');
  }

  var FAILURE_CELLS = [{ cls: 'num' }, {}, { cls: 'name' }, { pre: true }];
  function renderFailures() {
    var errors = (lastReport && lastReport.errors) || [];
    fillTable($('failures-table').tBodies[0], FAILURE_CELLS, errors.map(function (e) {
      return [String(e.occurrences), e.method, e.name, e.error];
    }), [], 'No failures');
    var omitted = (lastReport && lastReport.omitted_errors) || 0;
    $('failures-note').textContent = omitted ? '\u2026 and ' + omitted + ' more failures (only the 500 most frequent are listed; the failures CSV has every one).' : '';
  }

  var lastExceptions = [];
  var EXCEPTION_CELLS = [{ cls: 'num' }, { pre: true }, { pre: true }, {}];
  function renderExceptions() {
    fillTable($('exceptions-table').tBodies[0], EXCEPTION_CELLS, lastExceptions.map(function (e) {
      return [String(e.count), e.msg, e.traceback, e.nodes];
    }), [], 'No exceptions');
  }

  var WORKER_CELLS = [{}, {}, { cls: 'num' }, { cls: 'num' }, { cls: 'num' }];
  function renderWorkers() {
    var workers = (lastReport && lastReport.workers) || [];
    fillTable($('workers-table').tBodies[0], WORKER_CELLS, workers.map(function (w) {
      return [w.id, w.state, String(w.user_count), round(w.cpu_usage, 1) + ' %', round(w.memory_usage / 1048576, 1) + ' MB'];
    }), [], 'No workers connected');
  }

  function ratioList(tree) {
    var names = Object.keys(tree || {});
    if (!names.length) return '<p class="note">No users running</p>';
    return '<ul>' + names.map(function (n) {
      var node = tree[n];
      return '<li><span class="pct">' + esc(round(node.ratio * 100, 1)) + '%</span> ' + esc(n) + (node.tasks ? ratioList(node.tasks) : '') + '</li>';
    }).join('') + '</ul>';
  }

  function renderActive() {
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
  function extraTabFor(table) {
    var name = 'extra-' + table.id;
    if (extraTabs[name]) return extraTabs[name];
    var button = document.createElement('button');
    button.type = 'button';
    button.dataset.tab = name;
    bindTab(button);
    var download = document.querySelector('.tabs button[data-tab="download"]');
    download.parentNode.insertBefore(button, download);
    var section = document.createElement('section');
    section.className = 'tab';
    section.id = 'tab-' + name;
    section.hidden = true;
    var wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    var el = document.createElement('table');
    el.createTHead();
    el.createTBody();
    wrap.appendChild(el);
    section.appendChild(wrap);
    $('tab-download').parentNode.insertBefore(section, $('tab-download'));
    extraTabs[name] = { name: name, button: button, section: section, table: el, head: '', data: null };
    return extraTabs[name];
  }

  function renderExtra(tab) {
    var t = tab.data;
    if (!t) return;
    // A column is numeric (aligned right) when its first value is a number.
    var cols = t.columns.map(function (_, j) {
      for (var i = 0; i < t.rows.length; i++) {
        var v = t.rows[i][j];
        if (v !== null && v !== undefined) return { cls: typeof v === 'number' ? 'num' : '' };
      }
      return { cls: '' };
    });
    var head = '<tr>' + t.columns.map(function (c, j) { return '<th class="' + cols[j].cls + '">' + esc(c) + '</th>'; }).join('') + '</tr>';
    if (tab.head !== head) {
      // New columns or alignments: the rows are made again rather than reused.
      tab.head = head;
      tab.table.tHead.innerHTML = head;
      tab.table.tBodies[0].innerHTML = '';
    }
    var texts = t.rows.map(function (r) {
      return r.map(function (v) { return v === null || v === undefined ? '-' : String(v); });
    });
    var classes = texts.map(function (_, i) { return t.lastRowIsTotal && i === texts.length - 1 ? 'total' : ''; });
    fillTable(tab.table.tBodies[0], cols, texts, classes, 'No data yet');
  }

  function applyExtra(tables) {
    var seen = {};
    tables.forEach(function (t) {
      var name = 'extra-' + t.id;
      seen[name] = true;
      if (!extraTabs[name] && !t.rows.length) return;
      var tab = extraTabFor(t);
      tab.data = t;
      if (tab.button.textContent !== t.title) tab.button.textContent = t.title;
    });
    Object.keys(extraTabs).forEach(function (name) {
      var tab = extraTabs[name];
      if (!seen[name] && tab.data) tab.data = { id: tab.data.id, title: tab.data.title, columns: tab.data.columns, rows: [] };
      var empty = !tab.data || !tab.data.rows.length;
      tab.button.hidden = empty && activeTab !== name;
      if (wantedTab === name && !empty) { wantedTab = null; showTab(name); }
    });
  }

  // ---- charts --------------------------------------------------------------------------------
  var series = { t: [], rps: [], fails: [], p50: [], p95: [], users: [] };
  var historyRun = null;
  var historyNext = 0;
  var charts = [];

  // Whole-second ticks only (uPlot would otherwise label a short run in milliseconds).
  var TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function timeLabels(u, splits) {
    return splits.map(function (t) {
      var d = new Date(t * 1000);
      return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    });
  }

  function chartWidth(el) { return Math.max(320, (el.clientWidth || el.parentNode.clientWidth || 900) - 16); }

  function makeChart(id, title, lines, yLabel) {
    var el = $(id);
    var opts = {
      title: title,
      width: chartWidth(el),
      height: 260,
      // Room on the right for half of the last time label, which uPlot centres on its tick and
      // the canvas edge would otherwise cut.
      padding: [null, 36, null, null],
      scales: { x: { time: true } },
      series: [{ value: function (u, t) { return t === null || t === undefined ? '--' : timeLabels(u, [t])[0]; } }].concat(lines.map(function (l) {
        return { label: l.label, stroke: l.color, width: 2, points: { show: false }, value: function (u, v) { return v === null || v === undefined ? '--' : round(v, 2); } };
      })),
      axes: [{ space: 90, incrs: TIME_STEPS, values: timeLabels }, { label: yLabel, size: 60 }]
    };
    var chart = new uPlot(opts, chartData(lines), el);
    chart._lines = lines;
    charts.push(chart);
  }
  function chartData(lines) { return [series.t].concat(lines.map(function (l) { return series[l.key]; })); }

  if (typeof uPlot === 'function') {
    makeChart('chart-rps', 'Total Requests per Second', [{ key: 'rps', label: 'RPS', color: '#15803d' }, { key: 'fails', label: 'Failures/s', color: '#c62828' }], 'per second');
    makeChart('chart-response-times', 'Response Times (ms)', [{ key: 'p50', label: '50th percentile', color: '#d97706' }, { key: 'p95', label: '95th percentile', color: '#7c3aed' }], 'ms');
    makeChart('chart-users', 'Number of Users', [{ key: 'users', label: 'Users', color: '#2563eb' }], 'users');
  } else {
    $('chart-rps').textContent = 'Charts are unavailable: the chart library did not load.';
  }

  function redrawCharts() {
    var last = series.t.length - 1;
    charts.forEach(function (c) {
      c.setData(chartData(c._lines));
      // Between hovers the legend shows the latest values instead of dashes.
      if (last >= 0 && (c.cursor.idx === null || c.cursor.idx === undefined)) c.setLegend({ idx: last });
    });
  }
  function resizeCharts() {
    charts.forEach(function (c) {
      var w = chartWidth(c.root.parentNode);
      if (w !== c.width) c.setSize({ width: w, height: 260 });
    });
  }
  window.addEventListener('resize', function () { if (activeTab === 'charts') resizeCharts(); });

  function resetCharts() {
    Object.keys(series).forEach(function (k) { series[k] = []; });
    historyRun = null;
    redrawCharts();
  }

  function addHistory(rows) {
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      series.t.push(Date.parse(r.time) / 1000);
      series.rps.push(r.current_rps[1]);
      series.fails.push(r.current_fail_per_sec[1]);
      series.p50.push(r['response_time_percentile_0.5'][1]);
      series.p95.push(r['response_time_percentile_0.95'][1]);
      series.users.push(r.user_count[1]);
    }
    if (series.t.length > MAX_POINTS) {
      // Keep the whole span at half the resolution, as the server does.
      Object.keys(series).forEach(function (k) {
        var a = series[k];
        series[k] = a.filter(function (_, i) { return i % 2 === 0 || i === a.length - 1; });
      });
    }
  }

  // ---- polling -------------------------------------------------------------------------------
  var lastStatsText = '';
  var lastExceptionsText = '';
  var quitting = false;
  var timer = null;
  var busy = false;

  function fetchJsonText(path) {
    return api(path).then(function (res) {
      if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
      return res.text();
    });
  }

  function refreshStats() {
    return fetchJsonText('/stats/requests').then(function (text) {
      var report = JSON.parse(text);
      applyState(report.state);
      $('m-users').textContent = report.user_count;
      $('m-rps').textContent = round(report.current_rps || 0, 1);
      $('m-fail').textContent = round((report.fail_ratio || 0) * 100, 0) + '%';
      if (cfg.isDistributed) $('m-workers').textContent = report.worker_count || 0;
      $('count-failures').textContent = report.errors && report.errors.length ? report.errors.length + (report.omitted_errors || 0) : '';
      if (text === lastStatsText) return;
      lastStatsText = text;
      lastReport = report;
      if (!document.hidden) renderActive();
    });
  }

  function refreshHistory() {
    var path = '/stats/history' + (historyRun === null ? '' : '?run=' + historyRun + '&after=' + historyNext);
    return fetchJsonText(path).then(function (text) {
      var page = JSON.parse(text);
      if (page.full) Object.keys(series).forEach(function (k) { series[k] = []; });
      historyRun = page.run;
      historyNext = page.next;
      if (page.full || page.history.length) {
        addHistory(page.history);
        redrawCharts();
      }
    });
  }

  function refreshExceptions() {
    return fetchJsonText('/exceptions').then(function (text) {
      var data = JSON.parse(text);
      $('count-exceptions').textContent = data.exceptions.length ? data.exceptions.length : '';
      if (text === lastExceptionsText) return;
      lastExceptionsText = text;
      lastExceptions = data.exceptions;
      if (activeTab === 'exceptions') renderExceptions();
    });
  }

  function refreshLogs() {
    return fetchJsonText('/logs').then(function (text) {
      var data = JSON.parse(text);
      var pre = $('logs-master');
      var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = data.master.join('\n');
      if (atBottom) pre.scrollTop = pre.scrollHeight;
      var box = $('logs-workers');
      box.textContent = '';
      Object.keys(data.workers || {}).forEach(function (id) {
        var h = document.createElement('h3');
        h.textContent = id;
        var p = document.createElement('pre');
        p.className = 'logs';
        p.textContent = data.workers[id].join('\n');
        box.appendChild(h);
        box.appendChild(p);
      });
    });
  }

  var lastExtraText = '';
  function refreshExtra() {
    return fetchJsonText('/stats/extra').then(function (text) {
      if (text === lastExtraText) return;
      lastExtraText = text;
      applyExtra(JSON.parse(text).tables || []);
      if (extraTabs[activeTab] && !document.hidden) renderExtra(extraTabs[activeTab]);
    });
  }

  function refreshRatios() {
    return fetchJsonText('/tasks').then(function (text) {
      var data = JSON.parse(text);
      $('ratios-per-class').innerHTML = ratioList(data.per_class);
      $('ratios-total').innerHTML = ratioList(data.total);
    });
  }

  var cycle = 0;
  var again = false;
  function poll() {
    timer = null;
    if (quitting || busy) return;
    busy = true;
    again = false;
    var work = [refreshStats(), refreshHistory()];
    if (cfg.hasExtraTables) work.push(refreshExtra());
    if (activeTab === 'exceptions' || cycle % 3 === 0) work.push(refreshExceptions());
    if (activeTab === 'logs') work.push(refreshLogs());
    if (activeTab === 'ratios') work.push(refreshRatios());
    cycle++;
    Promise.all(work).then(function () { showBanner(''); }, function (err) {
      showBanner('Cannot reach the Locusta server (' + err.message + '); retrying.');
    }).then(function () {
      busy = false;
      if (!quitting) timer = setTimeout(poll, again ? 50 : POLL_MS);
    });
  }
  // After an action: poll now, or right after the poll in flight (which may predate the action).
  function refreshSoon() {
    if (busy) { again = true; return; }
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, 50);
  }

  renderStatsHead();
  buildCustomOptions();
  fillStartForm();
  showTab((location.hash || '#stats').slice(1));
  poll();
})();
`;
