import { pyRoundNegDigits } from './py-format.ts';

/** Locust's PERCENTILES_TO_REPORT: the columns of the percentile table and the CSVs. */
export const PERCENTILES_TO_REPORT: readonly number[] = Object.freeze([
  0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0,
]);

/** Locust's get_readable_percentiles: `50%`, `99.9%`, ... */
export function percentileLabel(p: number): string {
  const pct = p * 100;
  return `${Number.isInteger(pct) ? pct : Number(pct.toFixed(6))}%`;
}

/**
 * Locust's bucket_response_time: about two significant digits, Python round-half-to-even
 * (1.5 -> 2, 2.5 -> 2, 125 -> 120, 135 -> 140). Only the --json output uses it here.
 */
export function bucketResponseTime(ms: number): number {
  if (ms < 100) return pyRoundNegDigits(ms, 0);
  if (ms < 1000) return pyRoundNegDigits(ms, 1);
  if (ms < 10000) return pyRoundNegDigits(ms, 2);
  return pyRoundNegDigits(ms, 3);
}
