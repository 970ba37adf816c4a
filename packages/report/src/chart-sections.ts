import { COLORS, historyCharts, histogramChart, spectrumChart } from './chart-specs.ts';
import type { ChartSet } from './chart-specs.ts';
import { escapeHtml } from './escape.ts';
import { formatInt, formatMs, percentileLabel } from './format.ts';
import type { ReportCorrected, ReportEntry, ReportHistoryRow } from './report-data.ts';
import { percentilesTable } from './sections.ts';
import { entryLabel, htmlTable, note, splitEntries } from './tables.ts';

// Sections made mostly of charts. Each chart is registered in the ChartSet, which the page's
// script draws from.

/** Past this many requests, only the busiest get distribution charts (the tables keep them all). */
const MAX_CHARTED_ENTRIES = 50;
/** How many requests get charts when there are too many. */
const BUSIEST_CHARTED = 20;

export function historySection(charts: ChartSet, history: readonly ReportHistoryRow[]): string {
  const specs = historyCharts(history);
  const empty = 'No data: the run recorded no history.';
  return `<div class="charts-grid">${[
    charts.place(specs.rps, 'Requests and failures per second', empty),
    charts.place(
      specs.responseTimes,
      'Response times (ms): 50th, 95th and 99th percentile',
      history.length > 0 ? 'No data: no response times were recorded.' : empty,
    ),
    charts.place(specs.users, 'Users', empty),
  ].join('')}</div>`;
}

/** The requests that get charts, in table order: all of them, or the busiest when there are many. */
function chartedRequests(requests: readonly ReportEntry[]): ReportEntry[] {
  if (requests.length <= MAX_CHARTED_ENTRIES) return [...requests];
  const busiest = new Set(
    [...requests]
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.numRequests - a.e.numRequests || a.i - b.i)
      .slice(0, BUSIEST_CHARTED)
      .map(({ e }) => e),
  );
  return requests.filter((e) => busiest.has(e));
}

function entryKey(e: Pick<ReportEntry, 'method' | 'name'>): string {
  return `${e.method}\u0000${e.name}`;
}

/** A histogram and a percentile spectrum for Aggregated, then for each charted request. */
export function distributionSection(charts: ChartSet, entries: readonly ReportEntry[], corrected?: ReportCorrected): string {
  const { requests, aggregated } = splitEntries(entries);
  const charted = chartedRequests(requests);
  const list = aggregated ? [aggregated, ...charted] : charted;
  if (list.length === 0) return note('No data: no requests were made.');
  const correctedByKey = new Map((corrected?.entries ?? []).map((e) => [entryKey(e), e]));
  const parts: string[] = [];
  if (charted.length < requests.length) {
    parts.push(note(`Charts are shown for the ${charted.length} busiest of ${requests.length} requests; the tables list them all.`));
  }
  list.forEach((entry, i) => {
    const twin = correctedByKey.get(entryKey(entry));
    const empty = 'No data: no response times were recorded.';
    const label = entryLabel(entry);
    const histogram = charts.place(
      histogramChart(`dist-histogram-${i}`, `Response time histogram of ${label}`, entry.histogram),
      'Response time histogram (requests per bin, ms, log scale)',
      empty,
    );
    const spectrum = charts.place(
      spectrumChart(`dist-spectrum-${i}`, `Response time by percentile of ${label}`, entry, { corrected: twin }),
      twin ? 'Response time by percentile (ms), measured and corrected' : 'Response time by percentile (ms)',
      empty,
    );
    parts.push(
      `<div class="entry"><h3>${escapeHtml(label)} <span class="dim">${escapeHtml(formatInt(entry.numRequests))} requests</span></h3>` +
        `<div class="charts-pair">${histogram}${spectrum}</div></div>`,
    );
  });
  return parts.join('\n');
}

/** Corrected latencies and the start lag of iterations. */
export function correctedSection(charts: ChartSet, corrected: ReportCorrected, percentiles?: readonly number[]): string {
  const { lag } = corrected;
  const intro =
    '<p>Response times measured from when each iteration was scheduled to start rather than when it did, ' +
    'so time spent waiting behind slow responses counts (coordinated omission).</p>';
  const lagColumns = [{ head: 'Iterations', num: true }, ...lag.percentiles.map(([p]) => ({ head: percentileLabel(p), num: true })), { head: 'Max', num: true }];
  const lagRow = { cells: [formatInt(lag.count), ...lag.percentiles.map(([, ms]) => formatMs(ms)), formatMs(lag.count > 0 ? lag.max : null)].map(escapeHtml) };
  const empty = 'No data: no iteration start was measured.';
  const lagCharts = `<div class="charts-pair">${[
    charts.place(histogramChart('lag-histogram', 'Start lag histogram', lag.histogram, COLORS.lag), 'Start lag histogram (iterations per bin, ms, log scale)', empty),
    charts.place(spectrumChart('lag-spectrum', 'Start lag by percentile', lag, { label: 'Start lag', color: COLORS.lag }), 'Start lag by percentile (ms)', empty),
  ].join('')}</div>`;
  return (
    intro +
    `<h3>Corrected response time percentiles</h3>${percentilesTable(corrected.entries, percentiles)}` +
    `<h3>Start lag (ms)</h3>${htmlTable(lagColumns, [lagRow], 'lag')}${lagCharts}`
  );
}
