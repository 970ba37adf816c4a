import { formatGoodput } from './goodput.ts';
import type { Cell } from './llm-rows.ts';
import { COLUMNS, columnsFor, rowsOf } from './llm-rows.ts';
import type { LlmStats } from './llm-stats.ts';

/** NAME_llm.json: the goodput bounds, then a row per endpoint name and model and Aggregated. */
export interface LlmJson {
  /** `--goodput` as text (e.g. `ttft:500 e2e:3000`), or null without bounds. */
  goodput: string | null;
  /** Keyed by the CSV's headers; null for a metric with no samples; unrounded. */
  rows: Array<Record<string, Cell>>;
}

/** The LLM metrics as JSON: PREFIX_llm.csv's columns (goodput ones with bounds), unrounded. */
export function llmJson(stats: LlmStats): LlmJson {
  const columns = columnsFor(stats, COLUMNS);
  return {
    goodput: stats.goodput === undefined ? null : formatGoodput(stats.goodput),
    rows: rowsOf(stats).map((entry) => Object.fromEntries(columns.map((c) => [c.header, c.value(entry)]))),
  };
}
