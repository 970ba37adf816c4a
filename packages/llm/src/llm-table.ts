import { formatGoodput } from './goodput.ts';
import type { Column } from './llm-rows.ts';
import { cellText, COLUMNS, columnsFor, rowsOf } from './llm-rows.ts';
import type { LlmStats } from './llm-stats.ts';

// The console table leaves out what the CSV adds (successes, Retry-After, per-request tokens/s)
// to stay within a wide terminal.
const CONSOLE_HEADERS = new Set([
  'Name', 'Model', 'Requests', 'Shed', 'Failures', 'TTFT p50 (ms)', 'TTFT p95 (ms)', 'TTFT p99 (ms)', 'ITL p50 (ms)',
  'ITL p99 (ms)', 'TPOT p50 (ms)', 'TPOT p99 (ms)', 'E2E p50 (ms)', 'E2E p99 (ms)', 'Output tokens/s', 'Input tokens',
  'Output tokens', 'Token source',
]);
const CONSOLE_COLUMNS = COLUMNS.filter((c) => CONSOLE_HEADERS.has(c.header));
// Shown when some answer had reasoning tokens: without them answer TTFT is TTFT and the answer
// tokens are the output tokens, so the columns would only repeat.
const REASONING_HEADERS = new Set([...CONSOLE_HEADERS, 'Answer TTFT p50 (ms)', 'Reasoning tokens']);
const REASONING_COLUMNS = COLUMNS.filter((c) => REASONING_HEADERS.has(c.header));

/**
 * The LLM metrics as a console table (times in ms), one row per endpoint name and model and an
 * Aggregated row, in the style of the request statistics tables; ends with a blank line.
 * Empty string when nothing was recorded.
 */
export function formatLlmTable(stats: LlmStats): string {
  if (stats.total.requests === 0) return '';
  const total = stats.total;
  // Cached tokens and usage mismatches only when the server reported some or the run checked.
  const shown = (total.reasoningTokens > 0 ? REASONING_COLUMNS : CONSOLE_COLUMNS).concat(
    COLUMNS.filter((c) => (c.header === 'Cached tokens' && total.cachedTokens > 0) || (c.header === 'Usage mismatches' && total.usageChecked > 0)),
  );
  const columns = columnsFor(stats, shown);
  const rows = rowsOf(stats).map((entry) => columns.map((c) => cellText(c.value(entry), c)));
  const widths = columns.map((c, i) => Math.max(c.short.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((text, i) => pad(text, widths[i]!, columns[i]!)).join('  ').trimEnd();
  const separator = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = ['LLM metrics (ms; definitions in LLM_METRICS.md)', line(columns.map((c) => c.short)), separator];
  rows.forEach((row, i) => {
    if (i === rows.length - 1) out.push(separator);
    out.push(line(row));
  });
  if (stats.goodput !== undefined) out.push(`goodput: ${formatGoodput(stats.goodput)}`);
  if (total.usageMismatches > 0) {
    out.push(`usage: ${total.usageMismatches} of ${total.usageChecked} checked answers had token counts the client disagrees with (LLM_METRICS.md, "Token counts checked")`);
  }
  return out.join('\n') + '\n\n';
}

// Names and texts align left, numbers right.
function pad(text: string, width: number, column: Column): string {
  const left = column.header === 'Name' || column.header === 'Model' || column.header === 'Token source';
  return left ? text.padEnd(width) : text.padStart(width);
}
