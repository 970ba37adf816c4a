import { ExceptionStats, RequestStats, packBuckets, unpackBuckets } from '@locusta/stats';
import type { StatsSnapshot } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import type { StatsReport } from './protocol.ts';
import { decodeWorkerMessage, encode } from './protocol.ts';
import { StatsWireDecoder, StatsWireEncoder } from './stats-wire.ts';

/** A worker's 3 s of statistics: ENTRIES names, log-normal times in µs detail, failures on every fifth, a schedule and corrected times. */
function workerStats(seed: number, entries = 50): RequestStats {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let clock = 1_700_000_000;
  const stats = new RequestStats({ clock: () => clock });
  stats.reset();
  for (let i = 0; i < entries; i++) {
    const method = i % 10 < 7 ? 'GET' : 'POST';
    const name = `/api/v1/resource-${String(i).padStart(2, '0')}${method === 'GET' ? '/{id}' : ''}`;
    const n = 200 + Math.floor(rand() * 200);
    for (let k = 0; k < n; k++) {
      clock = 1_700_000_000 + (3 * (k + rand())) / n;
      const rt = k % 97 === 0 ? null : Math.exp(Math.log(15 + (300 * ((i * 37) % entries)) / entries) + 0.6 * gauss());
      stats.logRequest(method, name, rt, 200 + Math.floor(rand() * 4000));
      if (i % 5 === 0 && rand() < 0.02) stats.logError(method, name, new Error(`500 Server Error for url: ${name}`));
      if (i === 3) {
        stats.schedule.recordLag(rand() * 50);
        stats.logScheduled(method, name, rt, 10, rand() * 50);
      }
    }
  }
  clock = 1_700_000_003;
  return stats;
}

/**
 * What the master's checks and merge see of a worker's snapshot: histograms packed, which they
 * read as they go, and the total's left out (null): the merge adds up the entries'.
 */
function decoded(s: StatsSnapshot): StatsSnapshot {
  const compact = (snap: StatsSnapshot): StatsSnapshot => ({
    ...snap,
    entries: snap.entries.map((e) => ({ ...e, histogram: packBuckets(e.histogram!) })),
    total: { ...snap.total, histogram: null },
  });
  const out = compact(s);
  if (s.corrected) out.corrected = compact(s.corrected);
  if (s.schedule) out.schedule = { ...s.schedule, lag: packBuckets(s.schedule.lag) };
  return out;
}

/** Packed buckets as [index, count, ...] lists, to compare (a Buffer's toJSON would hide them from a replacer's value). */
const lists = (s: StatsSnapshot): unknown =>
  JSON.parse(
    JSON.stringify(s, function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      return raw instanceof Uint8Array ? unpackBuckets(raw) : v;
    }),
  );

const frameOf = (encoder: StatsWireEncoder, s: StatsSnapshot) =>
  encode({ type: 'stats', nodeId: 'w_1', data: { stats: encoder.encode(s), exceptions: new ExceptionStats().serialize(), userCount: 1, userClassesCount: { A: 1 }, custom: {} } });

const reasonOf = (f: Buffer, wire: StatsWireDecoder | undefined) => {
  try {
    decodeWorkerMessage(f, wire);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('compact statistics on a worker connection', () => {
  it('reach the master as exactly the snapshot the worker serialized, frame after frame, the total histogram left to the merge', () => {
    const encoder = new StatsWireEncoder();
    const decoder = new StatsWireDecoder();
    for (const seed of [1, 2, 3]) {
      const s = workerStats(seed).serialize();
      expect(s.schedule?.iterations).toBeGreaterThan(0);
      expect(s.errors.length).toBeGreaterThan(0);
      const msg = decodeWorkerMessage(frameOf(encoder, s), decoder);
      expect(lists((msg.data as StatsReport).stats)).toEqual(lists(decoded(s)));
    }
  });

  it('merged on the master, equal bucket for bucket the worker statistics', () => {
    const encoder = new StatsWireEncoder();
    const decoder = new StatsWireDecoder();
    const merged = new RequestStats();
    const truth = new RequestStats();
    for (const seed of [4, 5]) {
      const s = workerStats(seed).serialize();
      truth.merge(s);
      merged.merge((decodeWorkerMessage(frameOf(encoder, s), decoder).data as StatsReport).stats);
    }
    expect(merged.serialize()).toEqual(truth.serialize());
  });

  it('a 50-entry report fits in 20 KB once its strings are in the table (the first one carries them)', () => {
    const encoder = new StatsWireEncoder();
    const first = frameOf(encoder, workerStats(6).serialize()).length;
    const next = frameOf(encoder, workerStats(7).serialize()).length;
    const s = workerStats(7).serialize();
    const old = encode({ type: 'stats', nodeId: 'w_1', data: { stats: s, exceptions: { exceptions: [] }, userCount: 1, userClassesCount: { A: 1 }, custom: {} } }).length;
    expect(next).toBeLessThan(first);
    expect(next).toBeLessThanOrEqual(20 * 1024);
    expect(next * 2).toBeLessThan(old);
  });

  it('past 10,000 strings sends the rest as text, and both ends stay in step', () => {
    const encoder = new StatsWireEncoder();
    const decoder = new StatsWireDecoder();
    for (const from of [0, 6000, 12_000]) {
      const stats = new RequestStats({ clock: () => 1_700_000_000 + from });
      stats.reset();
      for (let i = from; i < from + 6000; i++) stats.logRequest('GET', `/item/${i}`, 1 + (i % 50), 10);
      const s = stats.serialize();
      const wire = encoder.encode(s);
      // The last report's names no longer fit the table: they travel as text.
      if (from === 12_000) expect(wire.entries.every((e) => typeof e[0] === 'string')).toBe(true);
      const frame = encode({ type: 'stats', nodeId: 'w_1', data: { stats: wire, exceptions: { exceptions: [] }, userCount: 1, userClassesCount: {}, custom: {} } });
      const msg = decodeWorkerMessage(frame, decoder);
      expect(lists((msg.data as StatsReport).stats)).toEqual(lists(decoded(s)));
    }
  });

  it('refuses a reference to a string the connection never carried: a reconnect starts both tables anew', () => {
    const encoder = new StatsWireEncoder();
    frameOf(encoder, workerStats(8, 3).serialize());
    const second = frameOf(encoder, workerStats(8, 3).serialize());
    expect(reasonOf(second, new StatsWireDecoder())).toMatch(/malformed 'stats' message: stats\.total\.name: 0 is neither a string nor a number in the connection's table \(0 strings\)/);
    expect(reasonOf(second, undefined)).toMatch(/compact statistics outside a worker connection/);
  });

  it('refuses broken compact forms with the path of the field, and leaves the rest to the plain checks', () => {
    const s = workerStats(9, 3).serialize();
    const cases: Array<[string, (w: ReturnType<StatsWireEncoder['encode']>) => void, RegExp]> = [
      ['a short entry', (w) => w.entries[1]!.pop(), /stats\.entries\[1\]: expected 14 fields, got 13/],
      ['histogram not bytes', (w) => (w.entries[0]![13] = [1, 2] as never), /stats\.entries\[0\]\.histogram: expected packed bytes/],
      ['odd per-second list', (w) => w.entries[0]![11].push(5), /stats\.entries\[0\]\.numReqsPerSec: an odd number/],
      ['errors not a list', (w) => (w.errors = {} as never), /stats\.errors: expected an array/],
      ['a count the plain checks refuse', (w) => (w.entries[0]![2] = -1), /stats\.entries\[0\]\.numRequests: expected an integer/],
      ['seconds out of order', (w) => (w.entries[0]![11][2] = -1), /numReqsPerSec: seconds out of order/],
      ['a total that is not the sum of the entries', (w) => ((w.total[2] += 1), (w.total[11][1]! += 1)), /stats: entries add up to \d+ requests/],
      // The total's histogram is the entries' sum: its first and last buckets are those of their smallest min and largest max.
      ['a total min below the entries\' smallest', (w) => (w.total[6] = w.total[6]! / 2), /stats: total: the first histogram bucket \d+ is not that of minResponseTime [\d.]+ \(the entries' sum\)/],
      ['a total max above the entries\' largest', (w) => (w.total[7] *= 2), /stats: total: the last histogram bucket \d+ is not that of maxResponseTime/],
      ['an entry without its histogram', (w) => (w.entries[1]![13] = null), /stats\.entries\[1\]: histogram: expected packed bytes or an \[index, count, \.\.\.\] array, got null/],
    ];
    for (const [what, mutate, want] of cases) {
      const wire = new StatsWireEncoder().encode(s);
      mutate(wire);
      const f = encode({ type: 'stats', nodeId: 'w_1', data: { stats: wire, exceptions: { exceptions: [] }, userCount: 1, userClassesCount: {}, custom: {} } });
      expect(reasonOf(f, new StatsWireDecoder()), what).toMatch(want);
    }
  });
});
