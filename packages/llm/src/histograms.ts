import type { createHistogram } from '@locusta/stats';
import { recordMicros } from '@locusta/stats';

/** The stats package's histogram (HdrHistogram, 32-bit counts, 3 digits), so buckets interoperate. */
export type Histogram = ReturnType<typeof createHistogram>;

/** Records one non-negative value (µs, tokens, scaled rates), rounded to an integer. */
export function record(h: Histogram, value: number): void {
  recordMicros(h, value > 0 ? Math.round(value) : 0);
}
