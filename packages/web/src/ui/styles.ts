/** The web UI's stylesheet, served as /assets/app.css. */
export const APP_CSS: string = `
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1f2933; --muted: #637083; --line: #e2e6ea;
  --accent: #15803d; --accent-dark: #0f5f2d; --danger: #c62828; --bar: #17212b; --bar-text: #e8edf2;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
[hidden] { display: none !important; }
.topbar { display: flex; align-items: center; gap: 24px; flex-wrap: wrap; padding: 10px 20px; background: var(--bar); color: var(--bar-text); }
.brand { font-size: 18px; font-weight: 700; letter-spacing: .02em; }
.brand .file { font-weight: 400; font-size: 13px; color: #9fb0c0; margin-left: 8px; }
.monitor { display: flex; gap: 22px; margin: 0; flex-wrap: wrap; }
.monitor div { display: flex; flex-direction: column; }
.monitor dt { font-size: 11px; text-transform: uppercase; color: #9fb0c0; letter-spacing: .06em; }
.monitor dd { margin: 0; font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; max-width: 32ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.state-running, .state-spawning { color: #6ee7a0; }
.state-stopped, .state-stopping { color: #fca5a5; }
.actions { margin-left: auto; display: flex; gap: 8px; }
button, .button { font: inherit; border: 1px solid transparent; border-radius: 6px; padding: 7px 14px; cursor: pointer; background: var(--accent); color: #fff; text-decoration: none; display: inline-block; }
button:hover, .button:hover { background: var(--accent-dark); }
button.secondary { background: transparent; border-color: #4b5b6b; color: inherit; }
main button.secondary { border-color: var(--line); color: var(--text); background: #fff; }
button.secondary:hover { background: rgba(127, 140, 153, .18); }
button.danger { background: var(--danger); }
button.danger:hover { background: #9b1c1c; }
button:disabled { opacity: .55; cursor: default; }
main { padding: 16px 20px 40px; }
.banner { background: #fff4e5; border: 1px solid #f3c98b; color: #7a4b00; padding: 8px 12px; border-radius: 6px; margin-bottom: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; max-width: 720px; }
.panel h2 { margin: 0 0 12px; font-size: 17px; }
.panel form { display: grid; gap: 12px; }
.panel label { display: grid; gap: 4px; color: var(--muted); font-size: 13px; }
.panel input, .panel select { font: inherit; padding: 7px 9px; border: 1px solid #c9d1d9; border-radius: 6px; color: var(--text); background: #fff; }
.panel label.check { display: flex; align-items: center; gap: 8px; }
.panel fieldset { border: 1px solid var(--line); border-radius: 6px; display: grid; gap: 10px; padding: 10px 12px; }
.panel legend { color: var(--muted); padding: 0 4px; }
.panel .help { font-size: 12px; color: var(--muted); }
.panel summary { cursor: pointer; color: var(--muted); }
.form-error { color: var(--danger); margin: 0; }
.form-error:empty { display: none; }
.form-buttons { display: flex; gap: 8px; }
.tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--line); margin-bottom: 12px; flex-wrap: wrap; }
.tabs button { background: transparent; color: var(--muted); border-radius: 6px 6px 0 0; border: 1px solid transparent; border-bottom: none; }
.tabs button:hover { background: #eef1f4; }
.tabs button.active { background: var(--panel); color: var(--text); border-color: var(--line); margin-bottom: -1px; font-weight: 600; }
.tabs .count { display: inline-block; min-width: 1.6em; padding: 0 5px; margin-left: 4px; border-radius: 9px; background: #fde2e2; color: var(--danger); font-size: 12px; }
.tabs .count:empty { display: none; }
.table-wrap { overflow: auto; max-height: calc(100vh - 230px); background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #eef1f4; font-weight: 600; font-size: 12.5px; white-space: nowrap; cursor: default; z-index: 1; }
th.sortable { cursor: pointer; }
th.sorted-asc::after { content: " \\25B2"; font-size: 9px; }
th.sorted-desc::after { content: " \\25BC"; font-size: 9px; }
td.num, th.num { text-align: right; }
/* Fixed layout: column widths come from the header, so updating 500 rows does not make the
   browser measure every cell again. */
#stats-table { table-layout: fixed; min-width: 1100px; }
#stats-table th { white-space: normal; vertical-align: bottom; }
#stats-table th:nth-child(1) { width: 5.5em; }
#stats-table th:nth-child(2) { width: 24%; }
td.name { word-break: break-all; min-width: 14ch; }
tbody tr:nth-child(even) { background: #fafbfc; }
tr.total td { font-weight: 700; background: #eef6f0; border-top: 2px solid #cfe3d5; }
td pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
.empty { color: var(--muted); padding: 14px; }
.note { color: var(--muted); font-size: 12.5px; }
.charts { display: grid; gap: 16px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px; min-height: 120px; }
.downloads { list-style: none; padding: 0; display: grid; gap: 8px; }
.downloads a { color: var(--accent-dark); }
.logs { background: #111a22; color: #dce3ea; padding: 12px; border-radius: 8px; max-height: 70vh; overflow: auto; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
.ratios ul { margin: 4px 0 4px 18px; padding: 0; }
.ratios li { margin: 2px 0; }
.ratios .pct { display: inline-block; min-width: 6ch; font-variant-numeric: tabular-nums; color: var(--accent-dark); font-weight: 600; }
`;
