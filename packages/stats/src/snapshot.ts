import type { ScheduleSnapshot } from './schedule-stats.ts';
import type { StatsError } from './stats-error.ts';

/**
 * One entry in a StatsSnapshot. Plain data (numbers, strings, arrays), so it survives JSON and
 * msgpack unchanged. Counts cover the interval since the sender's last reset().
 */
export interface StatsEntrySnapshot {
  name: string;
  method: string;
  numRequests: number;
  numNoneRequests: number;
  numFailures: number;
  /** Float ms. */
  totalResponseTime: number;
  minResponseTime: number | null;
  maxResponseTime: number;
  totalContentLength: number;
  /** Unix seconds (float). */
  startTime: number;
  lastRequestTimestamp: number | null;
  /** [unix second, count] pairs, ascending, non-zero counts only. */
  numReqsPerSec: Array<[number, number]>;
  numFailPerSec: Array<[number, number]>;
  /**
   * Response times in integer µs: the histogram's non-zero buckets, `[index, count, ...]`
   * (toBuckets). serialize() gives a plain array; a sender may swap in packBuckets' Uint8Array.
   * null only for a snapshot's total: the sum of its entries' histograms, which a compact report
   * leaves out and RequestStats.merge adds up.
   */
  histogram: ArrayLike<number> | null;
}

/** A failure group in a StatsSnapshot: the same fields as StatsError. */
export type StatsErrorSnapshot = StatsError;

/** What a worker sends each report interval; RequestStats.merge() adds it up exactly. */
export interface StatsSnapshot {
  /** Entries with requests or failures only. */
  entries: StatsEntrySnapshot[];
  total: StatsEntrySnapshot;
  errors: StatsErrorSnapshot[];
  /** Present when tasks ran on a schedule (arrival-rate mode, constantPacing). */
  schedule?: ScheduleSnapshot;
  /** The scheduled requests with times corrected for coordinated omission. */
  corrected?: StatsSnapshot;
}
