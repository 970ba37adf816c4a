import { addBuckets, createHistogram, valuesAtPercentiles } from '@locusta/stats';
import type { LlmEntryData } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';

// The LLM figures of a part of the run (a rate sweep's point): the Aggregated entry at its
// start, subtracted from the entry at its end. Counts subtract, and histogram buckets subtract
// bucket by bucket, so a part's percentiles are those of the generations recorded in it. It
// works the same on a master, whose statistics only ever add the workers' reports.

/** The Aggregated entry now, to subtract later. */
export function llmWindowMark(stats: LlmStats): LlmEntryData {
  return stats.total.serialize();
}

const LATENCIES = ['ttft', 'itl', 'e2e'] as const;
const QUANTILES = [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const;

/**
 * The generations recorded since `mark`, over `seconds`: requests, TTFT / ITL / e2e percentiles
 * in ms, output tokens per second, and the goodput rate when goodput bounds are set. Nothing
 * (no columns) in a run without generations.
 */
export function llmWindowFigures(stats: LlmStats, mark: unknown, seconds: number): Record<string, number | null> {
  const now = stats.total.serialize();
  if (now.requests === 0) return {};
  // A mark from before a reset of the statistics (the test's start) counts as nothing.
  const before = isEntryData(mark) && mark.requests <= now.requests ? mark : undefined;
  const minus = (key: 'requests' | 'good' | 'outputTokens') => now[key] - (before?.[key] ?? 0);
  const out: Record<string, number | null> = { requests: minus('requests') };
  for (const metric of LATENCIES) {
    const buckets = before ? subtractBuckets(now[metric], before[metric]) : now[metric];
    const h = createHistogram();
    addBuckets(h, buckets);
    const values = h.totalCount > 0 ? valuesAtPercentiles(h, QUANTILES.map(([, q]) => q)) : [];
    QUANTILES.forEach(([name], i) => {
      const us = values[i];
      out[`${metric}_${name}`] = us === undefined ? null : us / 1000;
    });
  }
  out['output_tokens_per_s'] = seconds > 0 ? minus('outputTokens') / seconds : null;
  if (stats.goodput !== undefined) out['goodput_rps'] = seconds > 0 ? minus('good') / seconds : null;
  return out;
}

function isEntryData(v: unknown): v is LlmEntryData {
  return typeof v === 'object' && v !== null && typeof (v as LlmEntryData).requests === 'number';
}

/** `current − earlier` of two sorted `[index, count, ...]` lists; a count that went down counts 0. */
function subtractBuckets(current: readonly number[], earlier: readonly number[]): number[] {
  const before = new Map<number, number>();
  for (let i = 0; i < earlier.length; i += 2) before.set(earlier[i] ?? 0, earlier[i + 1] ?? 0);
  const out: number[] = [];
  for (let i = 0; i < current.length; i += 2) {
    const index = current[i] ?? 0;
    const count = (current[i + 1] ?? 0) - (before.get(index) ?? 0);
    if (count > 0) out.push(index, count);
  }
  return out;
}
