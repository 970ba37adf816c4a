// The report's stylesheet: system fonts, light colours, tables that scroll sideways on narrow
// screens, and charts in a grid that collapses to one column.

export const REPORT_CSS = `
:root { --fg: #1d2430; --dim: #5d6878; --line: #dde2ea; --bg: #ffffff; --panel: #f5f7fa; --pass: #1e7a3c; --pass-bg: #e5f5ea; --fail: #b3261e; --fail-bg: #fdeceb; --accent: #2f6fb3; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, nav, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; overflow-wrap: anywhere; }
section { margin: 28px 0; scroll-margin-top: 48px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--panel); padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.meta dt { color: var(--dim); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
nav { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line); padding-top: 8px; padding-bottom: 8px; margin-top: 12px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
.banner { max-width: 1352px; margin: 12px auto 0; padding: 10px 14px; border: 1px solid var(--fail); border-radius: 6px; background: var(--fail-bg); color: var(--fail); font-weight: 600; }
.client-limited { color: var(--fail); font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.card-label { color: var(--dim); font-size: 12px; }
.card-value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card.bad .card-value { color: var(--fail); }
.card.good .card-value { color: var(--pass); }
.table-wrap { overflow-x: auto; }
.extra td, .extra th { white-space: nowrap; overflow-wrap: normal; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td { overflow-wrap: anywhere; }
.num { text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
tbody tr:hover td { background: #fafbfd; }
.dim { color: var(--dim); font-weight: normal; }
.error { color: var(--fail); }
.traceback { margin: 0; white-space: pre-wrap; max-height: 320px; overflow: auto; }
.note, .no-data { color: var(--dim); font-style: italic; }
.no-data { margin: 0; padding: 40px 0; text-align: center; background: var(--panel); border-radius: 4px; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 700; font-size: 12px; }
.verdict.pass { color: #fff; background: var(--pass); }
.verdict.fail { color: #fff; background: var(--fail); }
tr.fail td { background: var(--fail-bg); }
.slo-summary, .saturation { font-weight: 600; padding: 6px 10px; border-radius: 4px; }
.slo-summary.pass, .saturation.pass { color: var(--pass); background: var(--pass-bg); }
.slo-summary.fail, .saturation.fail { color: var(--fail); background: var(--fail-bg); }
.charts-grid { display: grid; grid-template-columns: 1fr; gap: 16px; }
.charts-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 12px; }
@media (max-width: 900px) { .charts-pair { grid-template-columns: 1fr; } }
.chart { margin: 0; min-width: 0; }
.chart figcaption { color: var(--dim); font-size: 12.5px; margin-bottom: 4px; }
.plot { min-height: 40px; }
.entry { border-top: 1px solid var(--line); }
footer { color: var(--dim); font-size: 12px; padding-top: 12px; padding-bottom: 24px; border-top: 1px solid var(--line); }
@media print { nav { display: none; } .entry, .chart, table { break-inside: avoid; } }
`;
