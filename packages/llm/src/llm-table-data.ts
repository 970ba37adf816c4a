import type { Cell, Column } from './llm-rows.ts';
import { COLUMNS, CURRENT_COLUMNS, columnsFor, rowsOf } from './llm-rows.ts';
import type { LlmStats } from './llm-stats.ts';

/** A table as plain values: the shape of the web UI's extra tables. */
export interface LlmTableData {
  columns: string[];
  /** A row per endpoint name and model, then Aggregated; null for a metric with no samples. */
  rows: Cell[][];
}

// The live table: the counts and current rates first (what changes while one watches), then
// the latency percentiles and token sums of the console table. Per-request tokens/s and the
// Retry-After count stay in PREFIX_llm.csv, to keep the table within a screen.
const LIVE_HEADERS = [
  'Name', 'Model', 'Requests', 'Shed', 'Failures', 'Current requests/s', 'Current shed/s', 'Current output tokens/s',
  'TTFT p50 (ms)', 'TTFT p95 (ms)', 'TTFT p99 (ms)', 'Answer TTFT p50 (ms)', 'ITL p50 (ms)', 'ITL p99 (ms)', 'TPOT p50 (ms)',
  'E2E p50 (ms)', 'E2E p99 (ms)', 'Output tokens/s', 'Input tokens', 'Output tokens', 'Reasoning tokens', 'Token source',
  'Cached tokens', 'Usage mismatches',
];
const byHeader = new Map([...COLUMNS, ...CURRENT_COLUMNS].map((c) => [c.header, c]));
const LIVE_COLUMNS: readonly Column[] = LIVE_HEADERS.map((h) => byHeader.get(h)!);

/**
 * The LLM metrics for the web UI: the live columns (goodput ones when bounds were set) and a
 * row per endpoint name and model plus Aggregated; no rows before any request. Milliseconds
 * and rates are rounded to 2 decimals, as the request statistics table shows them.
 */
export function llmTableData(stats: LlmStats): LlmTableData {
  const columns = columnsFor(stats, LIVE_COLUMNS);
  const rows = stats.total.requests === 0 ? [] : rowsOf(stats).map((entry) => columns.map((c) => rounded(c.value(entry), c)));
  return { columns: columns.map((c) => c.header), rows };
}

function rounded(cell: Cell, column: Column): Cell {
  return typeof cell === 'number' && column.decimals ? Math.round(cell * 100) / 100 : cell;
}
