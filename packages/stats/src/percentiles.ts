import { pyRoundNegDigits } from './py-format.ts';

import { DEFAULT_STATS_SETTINGS, statsSettings } from './stats-settings.ts';

/** Locust's default PERCENTILES_TO_REPORT. */
export const PERCENTILES_TO_REPORT: readonly number[] = DEFAULT_STATS_SETTINGS.PERCENTILES_TO_REPORT;

/** The percentile columns of the console table, the CSVs and the report: PERCENTILES_TO_REPORT now. */
export function reportedPercentiles(): readonly number[] {
  return statsSettings.PERCENTILES_TO_REPORT;
}

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
