import { createHash } from 'node:crypto';
import { uplotAssets } from './assets.ts';
import { correctedSection, distributionSection, historySection } from './chart-sections.ts';
import { ChartSet } from './chart-specs.ts';
import { chartsScript } from './charts-script.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import type { ReportData, ReportExtraSection, ReportTimeChart } from './report-data.ts';
import {
  exceptionsTable,
  failuresTable,
  headerSection,
  percentilesTable,
  sloTable,
  statsTable,
  stepsTable,
  summaryCards,
} from './sections.ts';
import { REPORT_CSS } from './styles.ts';
import { splitEntries } from './tables.ts';

// Puts the report together as one HTML file that opens offline: uPlot and the chart data are
// inlined, and the Content-Security-Policy allows only the report's own two scripts (by hash), so
// nothing is fetched and nothing injected into the data could run even if it got past escaping.

export const DEFAULT_TITLE = 'Locusta report';

interface Section {
  id: string;
  title: string;
  html: string;
}

function section(s: Section): string {
  return `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`;
}

/** Other features' sections, by placement; ids `extra-<n>` for those without one. Their charts join the report's. */
function extraSections(extras: readonly ReportExtraSection[], charts: ChartSet): { verdicts: Section[]; statistics: Section[] } {
  const out: { verdicts: Section[]; statistics: Section[] } = { verdicts: [], statistics: [] };
  let unnamed = 0;
  for (const extra of extras) {
    // Tables can be wide: they scroll sideways, their cells kept on one line.
    let html = extra.scroll === false ? extra.html : `<div class="table-wrap extra">${extra.html}</div>`;
    if (extra.charts && extra.charts.length > 0) html += extraCharts(charts, extra.charts);
    out[extra.placement ?? 'statistics'].push({ id: extra.id ?? `extra-${++unnamed}`, title: extra.title, html });
  }
  return out;
}

/** A section's charts over time, two a row. */
function extraCharts(charts: ChartSet, list: readonly ReportTimeChart[]): string {
  const placed = list.map((c) =>
    charts.place(c.x.length > 0 ? { kind: 'time', id: `extra-chart-${c.id}`, title: c.caption, unit: c.unit, x: c.x, series: c.series } : null, c.caption, 'No data.'),
  );
  return `<div class="${placed.length === 1 ? 'charts-grid' : 'charts-pair'}">${placed.join('')}</div>`;
}

function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** The whole report as one self-contained HTML document. */
export function renderHtmlReport(data: ReportData): string {
  const title = data.title ?? DEFAULT_TITLE;
  const charts = new ChartSet();
  const { aggregated } = splitEntries(data.entries);

  const sections: Section[] = [
    { id: 'summary', title: 'Summary', html: summaryCards(aggregated, data.slos) },
    { id: 'requests', title: 'Request statistics', html: statsTable(data.entries) },
    { id: 'percentiles', title: 'Response time percentiles (ms)', html: percentilesTable(data.entries, data.percentiles) },
    { id: 'charts', title: 'Charts', html: historySection(charts, data.history) },
    { id: 'distribution', title: 'Response time distribution', html: distributionSection(charts, data.entries, data.corrected) },
    { id: 'failures', title: 'Failures', html: failuresTable(data.failures) },
    { id: 'exceptions', title: 'Exceptions', html: exceptionsTable(data.exceptions) },
  ];
  // Other features' sections: their verdicts follow the SLOs', their tables end the report.
  const extras = extraSections(data.extraSections ?? [], charts);
  if (data.slos) sections.push({ id: 'slos', title: 'Service level objectives', html: sloTable(data.slos) });
  if (data.steps || data.saturation) sections.push({ id: 'steps', title: 'Steps', html: stepsTable(data.steps ?? [], data.saturation) });
  sections.push(...extras.verdicts);
  if (data.corrected) sections.push({ id: 'corrected', title: 'Corrected latencies', html: correctedSection(charts, data.corrected, data.percentiles) });
  sections.push(...extras.statistics);

  const nav = sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const assets = uplotAssets();
  const script = chartsScript();
  const json = jsonForScript({ charts: charts.specs });
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHash(assets.js)} ${scriptHash(script)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${assets.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
${headerSection(data, title)}
${(data.extraSections ?? []).flatMap((s) => (s.banner ? [`<div class="banner" role="alert">${escapeHtml(s.banner)}</div>\n`] : [])).join('')}<nav>${nav}</nav>
<main>
${sections.map(section).join('\n')}
</main>
<footer>Generated by Locusta.</footer>
<script type="application/json" id="report-data">${json}</script>
<script>${assets.js}</script>
<script>${script}</script>
</body>
</html>
`;
}
