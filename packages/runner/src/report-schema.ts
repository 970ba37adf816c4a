/**
 * What a worker's statistics report must hold before the master adds it to the run's
 * statistics. Beyond types and ranges, the checks are the invariants of how a worker builds a
 * report (RequestStats.serialize), so a report that passes can be merged without producing NaN,
 * negative counts or percentiles outside [min, max]:
 * - every request with a time is one histogram sample: bucket counts add up to
 *   numRequests - numNoneRequests, and the first and last buckets are those of min and max;
 * - per-second counts add up to numRequests and numFailures;
 * - the total is the sum of the entries; failure groups add up to the total's failures;
 * - schedule lag buckets add up to the iterations.
 * Packed buckets stay packed: the merge reads them again into a reused buffer, which costs less
 * than a list made for each.
 */
import { bucketIndexOf, checkBuckets, errorKey, toMicros } from '@locusta/stats';
import type { StatsEntrySnapshot, StatsSnapshot } from '@locusta/stats';
import type { Check } from './wire-schema.ts';
import { any, arrayOf, int, nullable, num, object, optional, record, str, tuple } from './wire-schema.ts';

/** Bounds of one report; far above what a worker sends in 3 s, far below what hurts a master. */
export const REPORT_LIMITS = {
  entries: 10_000,
  errors: 10_000,
  exceptions: 1_000,
  nameLength: 8_192,
  methodLength: 256,
  errorLength: 65_536,
  tracebackLength: 262_144,
  /** [second, count] pairs per entry: a report covers a few seconds, or the whole run at most. */
  perSecondPairs: 1_000_000,
  userClasses: 1_000,
  users: 100_000_000,
};

const count = int();
/**
 * Unix seconds: not negative and before 2106 (the per-second counts' limit too). A larger
 * finite number is no date at all, and the CSV writers' date formatting would throw on it.
 */
const time = num(0, 2 ** 32);
const perSecond = arrayOf(tuple(int(0, 2 ** 32), int(1)), REPORT_LIMITS.perSecondPairs);

/** Sum of per-second counts; the seconds must increase. undefined when out of order. */
function perSecondSum(pairs: Array<[number, number]>): number | undefined {
  let sum = 0;
  let previous = -1;
  for (const [second, n] of pairs) {
    if (second <= previous) return undefined;
    previous = second;
    sum += n;
  }
  return sum;
}

/**
 * The bucket checks of an entry, or of a total with its own histogram. A total without one (null:
 * a compact report's, the sum of the entries') is checked against the entries in refineSnapshot.
 */
function refineEntry(e: StatsEntrySnapshot): string | undefined {
  if (e.numNoneRequests > e.numRequests) return `numNoneRequests ${e.numNoneRequests} > numRequests ${e.numRequests}`;
  const requests = perSecondSum(e.numReqsPerSec);
  if (requests === undefined) return 'numReqsPerSec: seconds out of order';
  if (requests !== e.numRequests) return `numReqsPerSec adds up to ${requests}, not numRequests ${e.numRequests}`;
  const failures = perSecondSum(e.numFailPerSec);
  if (failures === undefined) return 'numFailPerSec: seconds out of order';
  if (failures !== e.numFailures) return `numFailPerSec adds up to ${failures}, not numFailures ${e.numFailures}`;
  const samples = e.numRequests - e.numNoneRequests;
  if (samples === 0) {
    if (e.minResponseTime !== null) return 'minResponseTime set without samples';
  } else {
    const min = e.minResponseTime;
    if (min === null) return 'minResponseTime missing';
    if (min > e.maxResponseTime) return `minResponseTime ${min} > maxResponseTime ${e.maxResponseTime}`;
  }
  if (e.histogram === null) return undefined;
  const read = checkBuckets(e.histogram);
  if (typeof read === 'string') return `histogram: ${read}`;
  if (read.total !== samples) return `histogram holds ${read.total} samples, not numRequests - numNoneRequests = ${samples}`;
  return samples === 0 ? undefined : bucketsMatch(read.first, read.last, e.minResponseTime!, e.maxResponseTime);
}

/** Whether the first and last buckets are those of min and max (ms). */
function bucketsMatch(first: number, last: number, min: number, max: number): string | undefined {
  if (first !== bucketIndexOf(toMicros(min))) return `the first histogram bucket ${first} is not that of minResponseTime ${min}`;
  if (last !== bucketIndexOf(toMicros(max))) return `the last histogram bucket ${last} is not that of maxResponseTime ${max}`;
  return undefined;
}

const entryFields = {
    name: str(REPORT_LIMITS.nameLength),
    method: str(REPORT_LIMITS.methodLength),
    numRequests: count,
    numNoneRequests: count,
    numFailures: count,
    totalResponseTime: num(),
    minResponseTime: nullable(num()),
    maxResponseTime: num(),
    totalContentLength: num(),
    startTime: time,
    lastRequestTimestamp: nullable(time),
    numReqsPerSec: perSecond,
    numFailPerSec: perSecond,
};
// Histograms are refineEntry's to judge; only a total may leave its own out (null).
const statsEntry: Check = object<StatsEntrySnapshot>({ ...entryFields, histogram: any }, (e) =>
  e.histogram === null ? 'histogram: expected packed bytes or an [index, count, ...] array, got null' : refineEntry(e),
);
const statsTotal: Check = object<StatsEntrySnapshot>({ ...entryFields, histogram: any }, refineEntry);

type ErrorFields = { method: string; name: string; error: string; key: string; firstSeen: number; lastSeen: number };
const errorFields = {
  method: str(REPORT_LIMITS.methodLength),
  name: str(REPORT_LIMITS.nameLength),
  error: str(REPORT_LIMITS.errorLength),
  occurrences: int(1),
  firstSeen: time,
  lastSeen: time,
  key: str(64, 64),
};
const seenInOrder = (e: ErrorFields) => (e.firstSeen > e.lastSeen ? `firstSeen ${e.firstSeen} > lastSeen ${e.lastSeen}` : undefined);
/** A failure group as sent: its key must be the hash of its texts. */
const statsError = object<ErrorFields>(errorFields, (e) => {
  const why = seenInOrder(e);
  if (why !== undefined) return why;
  // The master groups failures by key: a key that is not this group's would merge it into another.
  if (e.key !== errorKey(e.method, e.name, e.error)) return 'key is not the hash of method, name and error';
  return undefined;
});
/** A failure group of a compact report: the master computed its key itself (stats-wire.ts). */
const decodedError = object<ErrorFields>(errorFields, seenInOrder);

const schedule = object<{ iterations: number; lag: unknown; maxLag: number }>(
  { iterations: count, dropped: count, lag: any, maxLag: num() },
  (s) => {
    const read = checkBuckets(s.lag);
    if (typeof read === 'string') return `lag: ${read}`;
    if (read.total !== s.iterations) return `lag holds ${read.total} samples, not iterations ${s.iterations}`;
    if (read.total > 0 && read.last !== bucketIndexOf(toMicros(s.maxLag))) return `the last lag bucket is not that of maxLag ${s.maxLag}`;
    if (read.total === 0 && s.maxLag !== 0) return 'maxLag set without iterations';
    return undefined;
  },
);

/**
 * Entries unique by (name, method), adding up to the total; failure groups adding up to its
 * failures. A total without its own histogram takes the entries' sum, whose first and last
 * buckets are those of the entries' smallest min and largest max (each entry's are checked, and
 * the bucket of a time grows with the time): they must be those of the total's min and max.
 */
function refineSnapshot(s: StatsSnapshot): string | undefined {
  let requests = 0;
  let none = 0;
  let failures = 0;
  let min = Infinity;
  let max = -Infinity;
  const seen = new Set<string>();
  for (const e of s.entries) {
    const key = `${e.method}\u0000${e.name}`;
    if (seen.has(key)) return `entry ${e.method} ${e.name.slice(0, 80)} appears twice`;
    seen.add(key);
    requests += e.numRequests;
    none += e.numNoneRequests;
    failures += e.numFailures;
    if (e.minResponseTime !== null) {
      if (e.minResponseTime < min) min = e.minResponseTime;
      if (e.maxResponseTime > max) max = e.maxResponseTime;
    }
  }
  const t = s.total;
  if (requests !== t.numRequests || none !== t.numNoneRequests || failures !== t.numFailures) {
    return `entries add up to ${requests} requests (${none} without time), ${failures} failures; the total says ${t.numRequests} (${t.numNoneRequests}), ${t.numFailures}`;
  }
  if (t.histogram === null && t.minResponseTime !== null) {
    const why = bucketsMatch(bucketIndexOf(toMicros(min)), bucketIndexOf(toMicros(max)), t.minResponseTime, t.maxResponseTime);
    if (why !== undefined) return `total: ${why} (the entries' sum)`;
  }
  let occurrences = 0;
  for (const e of s.errors) occurrences += e.occurrences;
  if (occurrences !== t.numFailures) return `failure groups add up to ${occurrences}, not the total's ${t.numFailures} failures`;
  return undefined;
}

/** The statistics of a report; `corrected` has the same form, without a schedule or corrected of its own. */
function snapshotCheck(error: Check): Check {
  const fields = {
    entries: arrayOf(statsEntry, REPORT_LIMITS.entries),
    total: statsTotal,
    errors: arrayOf(error, REPORT_LIMITS.errors),
  };
  return object<StatsSnapshot>(
    {
      ...fields,
      schedule: optional(schedule),
      corrected: optional(object<StatsSnapshot>({ ...fields, schedule: optional(() => 'not expected here'), corrected: optional(() => 'not expected here') }, refineSnapshot)),
    },
    refineSnapshot,
  );
}

const exceptionsSnapshot: Check = object({
  exceptions: arrayOf(
    object({
      count: int(1),
      msg: str(REPORT_LIMITS.errorLength),
      traceback: str(REPORT_LIMITS.tracebackLength),
      nodes: arrayOf(str(256), 10_000),
    }),
    REPORT_LIMITS.exceptions,
  ),
});

/** Users per User class name. */
export const classCounts: Check = record(int(0, REPORT_LIMITS.users), REPORT_LIMITS.userClasses);

/** A worker's `stats` message, statistics in the plain form. */
export const statsReport: Check = reportCheck(snapshotCheck(statsError));

/** A worker's `stats` message whose statistics the master decoded from the compact form (keys computed by it). */
export const decodedStatsReport: Check = reportCheck(snapshotCheck(decodedError));

function reportCheck(stats: Check): Check {
  return object({
    stats,
    exceptions: exceptionsSnapshot,
    userCount: int(0, REPORT_LIMITS.users),
    userClassesCount: classCounts,
    custom: record(any, 1_000),
    reset: nullable(int(0, 2 ** 31)),
  });
}
