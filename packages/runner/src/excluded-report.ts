import type { ExcludedCounts } from '@locusta/core';
import type { Check } from './wire-schema.ts';
import { int, object } from './wire-schema.ts';

/**
 * The key under which a worker's report carries the requests it left out since its last report
 * (core's MeasurementWindow: started in the warm-up, the cool-down, or before a reset): the
 * master adds them up for the final summary's "Excluded N requests..." line.
 */
export const EXCLUDED_KEY = 'excluded';

/** Counts a worker made in a few seconds: whole numbers, far below what could overflow a sum. */
const count = int(0, 1e12);

export const checkExcluded: Check = object<ExcludedCounts>({ warmup: count, cooldown: count, reset: count });
