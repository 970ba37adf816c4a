import { csvRow } from '@locusta/stats';
import type { Column } from './llm-rows.ts';
import { COLUMNS, GOODPUT_COLUMNS, rowsOf } from './llm-rows.ts';
import type { LlmStats } from './llm-stats.ts';

/**
 * The header of PREFIX_llm.csv: Name, Model, Requests, Successes, Shed (503 and 429), Shed with
 * Retry-After, Failures (other), TTFT p50/p95/p99, Answer TTFT p50/p99, ITL p50/p99, TPOT
 * p50/p99 and E2E p50/p99 in ms, Output tokens/s (all output tokens over the wall time),
 * Request output tokens/s p50 (per request), Input tokens, Output tokens, Reasoning tokens,
 * Answer tokens (sums), Token source (`usage`, `chunks`, `none`, or a
 * mix with percentages), then Good requests, Goodput ratio (%) and Goodput (req/s). The
 * goodput columns are always there (empty without bounds) so the layout does not vary.
 */
export const LLM_CSV_HEADER: readonly string[] = Object.freeze([...COLUMNS, ...GOODPUT_COLUMNS].map((c) => c.header));

/**
 * PREFIX_llm.csv: the header, a row per endpoint name and model, then the Aggregated row.
 * Python csv.writer's quoting and `\r\n`, as the other CSV files; `N/A` for a metric with no
 * samples; milliseconds and rates with 3 decimals.
 */
export function llmCsv(stats: LlmStats): string {
  let out = csvRow(LLM_CSV_HEADER);
  for (const entry of rowsOf(stats)) {
    const cells = COLUMNS.map((c) => field(c, c.value(entry)));
    const goodput = GOODPUT_COLUMNS.map((c) => (stats.goodput === undefined ? '' : field(c, c.value(entry))));
    out += csvRow([...cells, ...goodput]);
  }
  return out;
}

function field(column: Column, cell: number | string | null): string {
  if (cell === null) return 'N/A';
  if (typeof cell === 'string') return cell;
  return column.decimals ? cell.toFixed(3) : String(cell);
}
