import { escapeHtml } from './escape.ts';
import {
  formatDuration,
  formatInt,
  formatMs,
  formatNumber,
  formatPercent,
  formatRate,
  formatUtc,
  percentileLabel,
} from './format.ts';
import { TABLE_PERCENTILES, entryPercentile } from './percentiles.ts';
import type { ReportData, ReportEntry, ReportException, ReportFailure, ReportSaturation, ReportSlo, ReportStep } from './report-data.ts';
import { REPORT_MAX_ROWS, busiest, htmlTable, isAggregated, listedEntries, note } from './tables.ts';
import type { Column, Row } from './tables.ts';

// The report's tables. Every string from the data goes through escapeHtml here.

export function headerSection(data: ReportData, title: string): string {
  const items: Array<[string, string]> = [
    ['Target host', escapeHtml(data.host || '–')],
    ['Start', escapeHtml(formatUtc(data.startTime))],
    ['End', escapeHtml(formatUtc(data.endTime))],
    ['Duration', escapeHtml(formatDuration(data.endTime - data.startTime))],
    ['User files', data.userFiles.length ? data.userFiles.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ') : '–'],
  ];
  if (data.profile) items.unshift(['Profile', escapeHtml(data.profile)]);
  if (data.command) items.push(['Command', `<code>${escapeHtml(data.command)}</code>`]);
  const list = items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('');
  return `<header><h1>${escapeHtml(title)}</h1><dl class="meta">${list}</dl></header>`;
}

/** Headline numbers of the Aggregated row, and how many SLOs passed. */
export function summaryCards(aggregated: ReportEntry | undefined, slos?: readonly ReportSlo[]): string {
  const cards: Array<[string, string, string?]> = [];
  if (aggregated) {
    const ratio = aggregated.numRequests > 0 ? aggregated.numFailures / aggregated.numRequests : 0;
    cards.push(
      ['Requests', formatInt(aggregated.numRequests)],
      ['Failures', `${formatInt(aggregated.numFailures)} (${formatPercent(ratio)})`, aggregated.numFailures > 0 ? 'bad' : undefined],
      ['Requests/s', formatRate(aggregated.rps)],
      ['Median', `${formatMs(entryPercentile(aggregated, 0.5) ?? aggregated.median)} ms`],
      ['95th percentile', `${formatMs(entryPercentile(aggregated, 0.95))} ms`],
      ['99th percentile', `${formatMs(entryPercentile(aggregated, 0.99))} ms`],
      ['Max', `${formatMs(aggregated.numRequests > 0 ? aggregated.max : null)} ms`],
    );
  }
  if (slos && slos.length > 0) {
    const passed = slos.filter((s) => s.pass).length;
    cards.push(['SLOs', `${passed} / ${slos.length} passed`, passed === slos.length ? 'good' : 'bad']);
  }
  if (cards.length === 0) return note('No requests were made.');
  const html = cards
    .map(([k, v, cls]) => `<div class="card${cls ? ` ${cls}` : ''}"><div class="card-label">${escapeHtml(k)}</div><div class="card-value">${escapeHtml(v)}</div></div>`)
    .join('');
  return `<div class="cards">${html}</div>${aggregated ? '' : note('No requests were made.')}`;
}

const TYPE_NAME: Column[] = [{ head: 'Type', nowrap: true }, { head: 'Name' }];

function typeNameCells(e: ReportEntry): string[] {
  return [escapeHtml(e.method), escapeHtml(e.name)];
}

function rowClass(e: ReportEntry): string | undefined {
  return isAggregated(e) ? 'total' : undefined;
}

/** Locust's request statistics, the Aggregated row last. */
export function statsTable(all: readonly ReportEntry[]): string {
  if (all.length === 0) return note('No requests were made.');
  const { entries, more } = listedEntries(all);
  const columns: Column[] = [
    ...TYPE_NAME,
    { head: '# Requests', num: true },
    { head: '# Fails', num: true },
    { head: 'Median (ms)', num: true },
    { head: 'Average (ms)', num: true },
    { head: 'Min (ms)', num: true },
    { head: 'Max (ms)', num: true },
    { head: 'Average size (bytes)', num: true },
    { head: 'RPS', num: true },
    { head: 'Failures/s', num: true },
  ];
  const rows: Row[] = entries.map((e) => {
    const ratio = e.numRequests > 0 ? e.numFailures / e.numRequests : 0;
    const timed = e.numRequests > 0;
    return {
      className: rowClass(e),
      cells: [
        ...typeNameCells(e),
        escapeHtml(formatInt(e.numRequests)),
        `${escapeHtml(formatInt(e.numFailures))} <span class="dim">(${escapeHtml(formatPercent(ratio))})</span>`,
        ...[
          formatMs(timed ? e.median : null),
          formatMs(timed ? e.avg : null),
          formatMs(e.min),
          formatMs(timed ? e.max : null),
          formatInt(e.avgContentLength),
          formatRate(e.rps),
          formatRate(e.failPerSec),
        ].map(escapeHtml),
      ],
    };
  });
  return htmlTable(columns, rows, 'stats') + more;
}

/** Response time percentiles: the columns of PERCENTILES_TO_REPORT (Locust's by default). */
export function percentilesTable(all: readonly ReportEntry[], percentiles: readonly number[] = TABLE_PERCENTILES): string {
  if (all.length === 0) return note('No requests were made.');
  const { entries, more } = listedEntries(all);
  const columns: Column[] = [
    ...TYPE_NAME,
    { head: '# Requests', num: true },
    ...percentiles.map((p) => ({ head: p === 1 ? '100% (max)' : percentileLabel(p), num: true })),
  ];
  const rows: Row[] = entries.map((e) => ({
    className: rowClass(e),
    cells: [...typeNameCells(e), escapeHtml(formatInt(e.numRequests)), ...percentiles.map((p) => escapeHtml(formatMs(entryPercentile(e, p))))],
  }));
  return htmlTable(columns, rows, 'percentiles') + more;
}

export function failuresTable(failures: readonly ReportFailure[]): string {
  if (failures.length === 0) return note('No failures.');
  const columns: Column[] = [{ head: '# Occurrences', num: true }, ...TYPE_NAME, { head: 'Error' }];
  const listed = busiest(failures, (f) => f.occurrences);
  const rows: Row[] = listed.rows
    .sort((a, b) => b.occurrences - a.occurrences)
    .map((f) => ({
      cells: [escapeHtml(formatInt(f.occurrences)), escapeHtml(f.method), escapeHtml(f.name), `<span class="error">${escapeHtml(f.error)}</span>`],
    }));
  const more = listed.omitted > 0
    ? note(`… and ${listed.omitted.toLocaleString('en-US')} more failures (only the ${REPORT_MAX_ROWS} most frequent are listed; every failure is in the --csv files)`)
    : '';
  return htmlTable(columns, rows, 'failures') + more;
}

export function exceptionsTable(exceptions: readonly ReportException[]): string {
  if (exceptions.length === 0) return note('No exceptions.');
  const columns: Column[] = [{ head: 'Count', num: true }, { head: 'Message' }, { head: 'Traceback' }, { head: 'Nodes' }];
  const rows: Row[] = [...exceptions]
    .sort((a, b) => b.count - a.count)
    .map((e) => ({
      cells: [
        escapeHtml(formatInt(e.count)),
        `<span class="error">${escapeHtml(e.message)}</span>`,
        `<pre class="traceback">${escapeHtml(e.traceback)}</pre>`,
        escapeHtml(e.nodes),
      ],
    }));
  return htmlTable(columns, rows, 'exceptions');
}

function verdict(pass: boolean): string {
  return pass ? '<span class="verdict pass">PASS</span>' : '<span class="verdict fail">FAIL</span>';
}

export function sloTable(slos: readonly ReportSlo[]): string {
  if (slos.length === 0) return note('No SLOs were set.');
  const columns: Column[] = [{ head: 'SLO' }, { head: 'Measured', num: true }, { head: 'Result' }];
  const rows: Row[] = slos.map((s) => ({
    className: s.pass ? 'pass' : 'fail',
    cells: [`<code>${escapeHtml(s.expression)}</code>`, escapeHtml(formatNumber(s.value)), verdict(s.pass)],
  }));
  const failed = slos.filter((s) => !s.pass).length;
  const headline = failed === 0 ? `All ${slos.length} SLOs passed.` : `${failed} of ${slos.length} SLOs failed.`;
  return `<p class="slo-summary ${failed === 0 ? 'pass' : 'fail'}">${escapeHtml(headline)}</p>${htmlTable(columns, rows, 'slos')}`;
}

export function stepsTable(steps: readonly ReportStep[], saturation: ReportSaturation | undefined): string {
  const parts: string[] = [];
  if (saturation) {
    const slo = `<code>${escapeHtml(saturation.slo)}</code>`;
    parts.push(
      saturation.users == null
        ? `<p class="saturation pass">The SLO ${slo} held at every step: no saturation point was found.</p>`
        : `<p class="saturation fail">Saturation: the SLO ${slo} first failed at <strong>${escapeHtml(formatInt(saturation.users))} users</strong>.</p>`,
    );
  }
  if (steps.length === 0) {
    parts.push(note('No steps were run.'));
    return parts.join('');
  }
  const columns: Column[] = [
    { head: 'Step', num: true },
    { head: 'Users', num: true },
    { head: 'RPS', num: true },
    { head: 'p50 (ms)', num: true },
    { head: 'p95 (ms)', num: true },
    { head: 'p99 (ms)', num: true },
    { head: 'Failures', num: true },
    { head: 'Result' },
  ];
  const rows: Row[] = steps.map((s, i) => ({
    className: s.pass ? 'pass' : 'fail',
    cells: [
      ...[String(i + 1), formatInt(s.users), formatRate(s.rps), formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatPercent(s.failRatio)].map(escapeHtml),
      // The load generator was its own bottleneck during the step: its latencies include that.
      s.clientLimited === true ? `${verdict(s.pass)} <span class="client-limited">client-limited</span>` : verdict(s.pass),
    ],
  }));
  parts.push(htmlTable(columns, rows, 'steps'));
  return parts.join('');
}
