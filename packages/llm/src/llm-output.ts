import type { OutputExtension } from '@locusta/core';
import { REPORT_KEY } from './report-key.ts';
import { goodputVerdicts } from './goodput-verdicts.ts';
import { llmCsv } from './llm-csv.ts';
import { LlmHistoryCsv } from './llm-history-csv.ts';
import { llmJson } from './llm-json.ts';
import { llmPrometheus } from './llm-prometheus.ts';
import { checkLlmReport } from './llm-report-check.ts';
import { llmReportSection } from './llm-report-section.ts';
import type { LlmStats, LlmStatsData } from './llm-stats.ts';
import { llmWindowFigures, llmWindowMark } from './llm-window.ts';
import { llmTableData } from './llm-table-data.ts';
import { LlmWebCharts } from './llm-web-charts.ts';
import { formatLlmTable } from './llm-table.ts';

/**
 * The LLM token metrics as an output family: the console table, PREFIX_llm.csv and
 * PREFIX_llm_history.csv, the report's section, the web UI's tab (its table, and charts of TTFT,
 * ITL and E2E at PERCENTILES_TO_CHART), the `locusta_llm_*` families
 * on `/metrics` and NAME_llm.json; a worker sends its samples with each report and starts over,
 * a master merges them. Files and sections appear once the run has LLM requests. The same
 * object for the same LlmStats.
 */
export function llmOutput(stats: LlmStats): OutputExtension {
  let made = outputs.get(stats);
  if (made === undefined) {
    made = makeLlmOutput(stats);
    outputs.set(stats, made);
  }
  return made;
}

// One extension per LlmStats: the CLI adds it early (to check the names of every family before
// the run) and attachLlmStats adds the same one again, which does nothing.
const outputs = new WeakMap<LlmStats, OutputExtension>();

function makeLlmOutput(stats: LlmStats): OutputExtension {
  const some = () => stats.total.requests > 0;
  const charts = new LlmWebCharts();
  return {
    name: REPORT_KEY,
    consoleTable: () => formatLlmTable(stats),
    csvFiles: () => (some() ? [{ suffix: 'llm', content: llmCsv(stats) }] : []),
    historyCsv: {
      suffix: 'llm_history',
      header: () => new LlmHistoryCsv().header(),
      rows: ({ fullHistory }) => new LlmHistoryCsv({ fullHistory }).rows(stats),
    },
    htmlSection: () => (some() ? llmReportSection(stats) : undefined),
    webTable: () => ({ id: 'llm', title: 'LLM metrics', ...llmTableData(stats), lastRowIsTotal: true, charts: charts.charts(stats) }),
    prometheus: () => llmPrometheus(stats),
    json: () => (some() ? llmJson(stats) : undefined),
    verdicts: () => goodputVerdicts(stats),
    takeReport: () => {
      if (!some()) return undefined;
      const data = stats.serialize();
      stats.reset();
      return data;
    },
    checkReport: checkLlmReport,
    merge: (value) => {
      // Checked in full by the master's runner (checkReport); a runner without checks gets no crash.
      if (isObject(value) && Array.isArray(value['entries']) && isObject(value['total'])) stats.merge(value as unknown as LlmStatsData);
    },
    reset: () => {
      stats.reset();
      charts.reset();
    },
    windowMark: () => llmWindowMark(stats),
    windowFigures: (mark, seconds) => llmWindowFigures(stats, mark, seconds),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
