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
  /** Response times in integer µs, HdrHistogram V2 compressed base64; null when no samples. */
  histogram: string | null;
}

/** A failure group in a StatsSnapshot: the same fields as StatsError. */
export type StatsErrorSnapshot = StatsError;

/** What a worker sends each report interval; RequestStats.merge() adds it up exactly. */
export interface StatsSnapshot {
  /** Entries with requests or failures only. */
  entries: StatsEntrySnapshot[];
  total: StatsEntrySnapshot;
  errors: StatsErrorSnapshot[];
}
