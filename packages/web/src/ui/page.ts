import { escapeHtml, jsonForScript } from '@locusta/report';
import type { PageConfig } from './page-config.ts';

/** The Content-Security-Policy of the page: its own scripts only, nothing inline runs. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/**
 * The single page of the UI. Everything that varies (host, option names and help from the user
 * file) is in the JSON config, which the script reads and renders with DOM text APIs.
 */
export function renderPage(config: PageConfig): string {
  const base = escapeHtml(config.basePath);
  const title = config.userFile ? `Locusta: ${escapeHtml(config.userFile)}` : 'Locusta';
  const downloads = [
    `<li><a href="${base}/stats/requests/csv" id="dl-requests">Download requests statistics CSV</a></li>`,
    `<li><a href="${base}/stats/failures/csv" id="dl-failures">Download failures CSV</a></li>`,
    `<li><a href="${base}/exceptions/csv" id="dl-exceptions">Download exceptions CSV</a></li>`,
    config.hasFullHistory ? `<li><a href="${base}/stats/requests_full_history/csv" id="dl-history">Download full history CSV</a></li>` : '',
    config.hasReport
      ? `<li><a href="${base}/stats/report" target="_blank" rel="noopener" id="dl-report-view">Open the HTML report</a> · <a href="${base}/stats/report?download=1" id="dl-report">Download the HTML report</a></li>`
      : '',
  ].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" type="image/svg+xml" href="${base}/favicon.ico">
<link rel="stylesheet" href="${base}/assets/uplot.css">
<link rel="stylesheet" href="${base}/assets/app.css">
<script type="application/json" id="locusta-config">${jsonForScript(config)}</script>
</head>
<body>
<header class="topbar">
  <div class="brand">Locusta<span class="file" id="user-file"></span></div>
  <dl class="monitor">
    <div><dt>Host</dt><dd id="m-host">-</dd></div>
    <div id="m-profile-item" hidden><dt>Profile</dt><dd id="m-profile">-</dd></div>
    <div><dt>Status</dt><dd id="m-state">-</dd></div>
    <div><dt>Users</dt><dd id="m-users">0</dd></div>
    <div id="m-workers-box" hidden><dt>Workers</dt><dd id="m-workers">0</dd></div>
    <div><dt>RPS</dt><dd id="m-rps">0</dd></div>
    <div><dt>Failures</dt><dd id="m-fail">0%</dd></div>
  </dl>
  <div class="actions">
    <button type="button" id="btn-new" hidden>New test</button>
    <button type="button" id="btn-edit" hidden>Edit</button>
    <button type="button" id="btn-stop" class="danger" hidden>Stop</button>
    <button type="button" id="btn-reset" class="secondary">Reset stats</button>
    <button type="button" id="btn-quit" class="secondary" hidden>Quit</button>
  </div>
</header>
<main>
  <div class="banner" id="banner" role="status" hidden></div>
  <section class="panel" id="start-panel" hidden>
    <h2>Start a new load test</h2>
    <form id="start-form" novalidate>
      <label>Number of users (peak concurrency)<input name="user_count" id="start-users" type="number" min="0" step="1" required></label>
      <label>Ramp up (users started/second)<input name="spawn_rate" id="start-rate" type="number" min="0" step="any" required></label>
      <label>Host<input name="host" id="start-host" type="text" placeholder="https://example.com" autocomplete="off"></label>
      <details id="advanced"><summary>Advanced options</summary>
        <label>Run time (e.g. 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.)<input name="run_time" id="start-runtime" type="text" autocomplete="off"></label>
        <label>Profile (a name grouping runs)<input name="profile" id="start-profile" type="text" autocomplete="off"></label>
      </details>
      <fieldset id="class-picker" hidden><legend>User classes</legend></fieldset>
      <fieldset id="custom-options" hidden><legend>Custom parameters</legend></fieldset>
      <p class="form-error" id="start-error" role="alert"></p>
      <div class="form-buttons"><button type="submit" id="start-button">Start</button><button type="button" class="secondary" id="start-cancel" hidden>Cancel</button></div>
    </form>
  </section>
  <section class="panel" id="edit-panel" hidden>
    <h2>Edit running load test</h2>
    <form id="edit-form" novalidate>
      <label>Number of users (peak concurrency)<input name="user_count" id="edit-users" type="number" min="0" step="1" required></label>
      <label>Ramp up (users started/second)<input name="spawn_rate" id="edit-rate" type="number" min="0" step="any" required></label>
      <p class="form-error" id="edit-error" role="alert"></p>
      <div class="form-buttons"><button type="submit" id="edit-button">Update</button><button type="button" class="secondary" id="edit-cancel">Cancel</button></div>
    </form>
  </section>
  <nav class="tabs" role="tablist">
    <button type="button" data-tab="stats" class="active">Statistics</button>
    <button type="button" data-tab="charts">Charts</button>
    <button type="button" data-tab="failures">Failures<span class="count" id="count-failures"></span></button>
    <button type="button" data-tab="exceptions">Exceptions<span class="count" id="count-exceptions"></span></button>
    <button type="button" data-tab="workers" id="tab-button-workers" hidden>Workers</button>
    <button type="button" data-tab="ratios">Current ratio</button>
    <button type="button" data-tab="download">Download data</button>
    <button type="button" data-tab="logs">Logs</button>
  </nav>
  <section class="tab" id="tab-stats">
    <div class="table-wrap"><table id="stats-table"><thead></thead><tbody></tbody></table></div>
    <p class="note" id="stats-note"></p>
  </section>
  <section class="tab" id="tab-charts" hidden>
    <div class="charts">
      <div class="chart" id="chart-rps"></div>
      <div class="chart" id="chart-response-times"></div>
      <div class="chart" id="chart-users"></div>
    </div>
  </section>
  <section class="tab" id="tab-failures" hidden>
    <div class="table-wrap"><table id="failures-table"><thead><tr><th class="num"># Failures</th><th>Method</th><th>Name</th><th>Message</th></tr></thead><tbody></tbody></table></div>
    <p class="note" id="failures-note"></p>
  </section>
  <section class="tab" id="tab-exceptions" hidden>
    <div class="table-wrap"><table id="exceptions-table"><thead><tr><th class="num">Count</th><th>Message</th><th>Traceback</th><th>Nodes</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="tab" id="tab-workers" hidden>
    <div class="table-wrap"><table id="workers-table"><thead><tr><th>Worker</th><th>State</th><th class="num"># users</th><th class="num">CPU usage</th><th class="num">Memory usage</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="tab ratios" id="tab-ratios" hidden>
    <h3>Ratio per User class</h3><div id="ratios-per-class"></div>
    <h3>Total ratio</h3><div id="ratios-total"></div>
  </section>
  <section class="tab" id="tab-download" hidden>
    <ul class="downloads">${downloads}</ul>
  </section>
  <section class="tab" id="tab-logs" hidden>
    <pre class="logs" id="logs-master"></pre>
    <div id="logs-workers"></div>
  </section>
</main>
<script src="${base}/assets/uplot.js"></script>
<script src="${base}/assets/app.js"></script>
</body>
</html>
`;
}
