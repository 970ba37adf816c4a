import { escapeHtml } from '@locusta/report';
import { formatGoodput } from './goodput.ts';
import { cellText, columnsFor, rowsOf } from './llm-rows.ts';
import type { LlmStats } from './llm-stats.ts';

/** A section of the HTML report (`extraSections`): a title and trusted HTML. */
export interface ReportSection {
  title: string;
  html: string;
}


/** The LLM metrics as an HTML table for the report; every value is escaped. */
export function llmReportSection(stats: LlmStats): ReportSection {
  const columns = columnsFor(stats);
  const head = columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const rows = rowsOf(stats).map((entry) => {
    const cells = columns.map((c) => `<td>${escapeHtml(cellText(c.value(entry), c))}</td>`).join('');
    return `<tr>${cells}</tr>`;
  });
  const notes = [
    'TTFT: request sent to the first output chunk (content, reasoning or tool calls). ' +
      'Answer TTFT: sent to the first content or tool-call chunk, after any reasoning. ' +
      'ITL: every gap between consecutive output chunks, reasoning included, pooled. ' +
      'TPOT: (e2e - TTFT) / (output tokens - 1) per request, reasoning tokens included. E2E: sent to the end of the stream. ' +
      'Reasoning and answer tokens: the split of the output tokens, where usage or the stream tells it. ' +
      'Shed: 503 and 429 answers. Definitions, and how they compare with vLLM, GuideLLM and others: LLM_METRICS.md.',
  ];
  if (stats.goodput !== undefined) notes.push(`Goodput bounds (ms): ${formatGoodput(stats.goodput)}.`);
  const html =
    `<table class="llm-metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>` +
    notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('');
  return { title: 'LLM metrics', html };
}
