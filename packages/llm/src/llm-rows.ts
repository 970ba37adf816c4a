import type { LatencyMetric, LlmEntry } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';

/** One value of a row: a number, a text, or null for a metric with no samples. */
export type Cell = number | string | null;

/** A column of the LLM reports: its header and how an entry fills it. */
export interface Column {
  header: string;
  /** Short header for the console table. */
  short: string;
  value(entry: LlmEntry): Cell;
  /** Milliseconds or rates, shown with a few decimals (counts are integers). */
  decimals?: boolean;
}

const latency = (metric: LatencyMetric, p: number, label: string): Column => ({
  header: `${label} p${p * 100} (ms)`,
  short: `${label} p${p * 100}`,
  value: (e) => (e.count(metric) === 0 ? null : e.latency(metric, [p])[0]!),
  decimals: true,
});

/** Every column, in report order (the CSV has all; the console table a subset). */
export const COLUMNS: readonly Column[] = [
  { header: 'Name', short: 'Name', value: (e) => e.name },
  { header: 'Model', short: 'Model', value: (e) => e.model },
  { header: 'Requests', short: '# reqs', value: (e) => e.requests },
  { header: 'Successes', short: '# ok', value: (e) => e.successes },
  { header: 'Shed', short: '# shed', value: (e) => e.shed },
  { header: 'Shed with Retry-After', short: 'retry-after', value: (e) => e.retryAfter },
  { header: 'Failures', short: '# fails', value: (e) => e.failures },
  latency('ttft', 0.5, 'TTFT'),
  latency('ttft', 0.95, 'TTFT'),
  latency('ttft', 0.99, 'TTFT'),
  // After the first token of any kind, the first of the answer: later than TTFT by the reasoning.
  { ...latency('answerTtft', 0.5, 'Answer TTFT'), short: 'ans TTFT p50' },
  { ...latency('answerTtft', 0.99, 'Answer TTFT'), short: 'ans TTFT p99' },
  latency('itl', 0.5, 'ITL'),
  latency('itl', 0.99, 'ITL'),
  latency('tpot', 0.5, 'TPOT'),
  latency('tpot', 0.99, 'TPOT'),
  latency('e2e', 0.5, 'E2E'),
  latency('e2e', 0.99, 'E2E'),
  { header: 'Output tokens/s', short: 'out tok/s', value: (e) => (e.wallSeconds > 0 ? e.outputTokensPerSecond : null), decimals: true },
  {
    header: 'Request output tokens/s p50',
    short: 'req tok/s p50',
    value: (e) => (e.histograms.outputTokensPerSecond.totalCount === 0 ? null : e.requestTokensPerSecond([0.5])[0]!),
    decimals: true,
  },
  { header: 'Input tokens', short: 'tok in', value: (e) => e.inputTokens },
  { header: 'Output tokens', short: 'tok out', value: (e) => e.outputTokens },
  // The split of the output tokens, over the successes where it is known (see LLM_METRICS.md).
  { header: 'Reasoning tokens', short: 'tok reason', value: (e) => e.reasoningTokens },
  { header: 'Answer tokens', short: 'tok answer', value: (e) => e.answerTokens },
  { header: 'Token source', short: 'source', value: (e) => e.tokenSource },
  // Prefix-cache hits the server reported, and prompts whose usage disagreed with the tokenizer
  // (empty when the run did not check: see LLM_METRICS.md, "Token counts checked").
  { header: 'Cached tokens', short: 'tok cached', value: (e) => e.cachedTokens },
  { header: 'Usage mismatches', short: 'usage !=', value: (e) => (e.usageChecked === 0 ? null : e.usageMismatches) },
];

/** The current rates (Locust's current RPS window): what the live views add to the totals. */
export const CURRENT_COLUMNS: readonly Column[] = [
  { header: 'Current requests/s', short: 'req/s', value: (e) => e.currentRequestsPerSecond, decimals: true },
  { header: 'Current shed/s', short: 'shed/s', value: (e) => e.currentShedPerSecond, decimals: true },
  { header: 'Current output tokens/s', short: 'cur tok/s', value: (e) => e.currentOutputTokensPerSecond, decimals: true },
];

/** The goodput columns, present when bounds were set. */
export const GOODPUT_COLUMNS: readonly Column[] = [
  { header: 'Good requests', short: '# good', value: (e) => e.good },
  { header: 'Goodput ratio', short: 'goodput %', value: (e) => (e.requests === 0 ? null : e.goodputRatio * 100), decimals: true },
  { header: 'Goodput (req/s)', short: 'good/s', value: (e) => (e.wallSeconds > 0 ? e.goodputRate : null), decimals: true },
];

/** The columns for a stats object: goodput ones only when it has bounds. */
export function columnsFor(stats: LlmStats, base: readonly Column[] = COLUMNS): Column[] {
  return stats.goodput === undefined ? [...base] : [...base, ...GOODPUT_COLUMNS];
}

/** The entries and then the Aggregated one. */
export function rowsOf(stats: LlmStats): LlmEntry[] {
  return [...stats.entries(), stats.total];
}

/** A number for people: two decimals below 10, one below 100, none above. */
function humanNumber(value: number, decimals: boolean): string {
  if (!decimals) return String(Math.round(value));
  const abs = Math.abs(value);
  return value.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0);
}

/** A cell as text for the console and HTML; `-` for a metric with no samples. */
export function cellText(cell: Cell, column: Column): string {
  if (cell === null) return '-';
  return typeof cell === 'number' ? humanNumber(cell, column.decimals === true) : cell;
}
