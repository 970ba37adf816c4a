import type { OutputVerdict } from '@locusta/core';
import { pyFixed } from '@locusta/stats';
import type { GoodputSpec } from './goodput.ts';
import type { Histogram } from './histograms.ts';
import type { LlmStats } from './llm-stats.ts';

const METRICS = ['ttft', 'tpot', 'e2e'] as const;

/** Samples above `boundUs`, counted by bucket: a value in the bound's own bucket (within 0.1 %) meets it. */
function countAbove(h: Histogram, boundUs: number): number {
  if (h.totalCount === 0 || h.maxValue <= boundUs) return 0;
  const last = Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
  let above = 0;
  for (let i = h.countsArrayIndex(boundUs) + 1; i <= last; i++) above += h.getCountAtIndex(i);
  return above;
}

const ms = (us: number): string => `${pyFixed(us / 1000, us >= 100_000 ? 0 : us >= 10_000 ? 1 : 2)} ms`;

/**
 * One verdict per `--goodput` bound (suite `Goodput`): how many successful requests broke it, of
 * those that have the metric; it fails when any did, as the bounds are per request. Counted on
 * the Aggregated histograms (3 significant digits), merged from every worker.
 */
export function goodputVerdicts(stats: LlmStats): OutputVerdict[] {
  const spec: GoodputSpec | undefined = stats.goodput;
  if (spec === undefined) return [];
  const total = stats.total;
  return METRICS.flatMap((metric) => {
    const bound = spec[metric];
    if (bound === undefined) return [];
    const h = total.histograms[metric];
    const n = h.totalCount;
    const over = countAbove(h, bound * 1000);
    const share = n === 0 ? 0 : (over / n) * 100;
    const worst = n === 0 ? '' : `, p99 ${ms(h.getValueAtPercentile(99))}, max ${ms(h.maxValue)}`;
    const value = n === 0 ? 'no data' : `${over} of ${n} over (${pyFixed(share, 2)}%)${worst}`;
    const name = `${metric}<=${bound} ms`;
    const pass = over === 0;
    const message = pass ? '' : `goodput bound ${metric}:${bound} broken by ${over} of ${n} requests (${pyFixed(share, 2)}%)${worst}; bound <= ${bound} ms per request`;
    return [{ suite: 'Goodput', name, pass, value, bound: `<= ${bound} ms per request`, message }];
  });
}
