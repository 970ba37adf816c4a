import { ExceptionStats, RequestStats, packBuckets } from '@locusta/stats';
import type { StatsSnapshot } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import type { MasterMessage, StatsReport, WorkerMessage } from './protocol.ts';
import { decodeMasterMessage, decodeWorkerMessage, encode } from './protocol.ts';

/** Statistics as a worker builds them: times from 0 to minutes, None requests, failures, a schedule, corrected times. */
function workerStats(seed = 1): { stats: RequestStats; exceptions: ExceptionStats } {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stats = new RequestStats();
  const exceptions = new ExceptionStats();
  for (let i = 0; i < 2000; i++) {
    const name = `/e${i % 7}`;
    const rt = i % 97 === 0 ? null : i % 13 === 0 ? rand() * 600_000 : rand() * 300;
    stats.logRequest(i % 3 === 0 ? 'POST' : 'GET', name, rt, Math.floor(rand() * 5000));
    if (i % 11 === 0) stats.logError(i % 3 === 0 ? 'POST' : 'GET', name, new Error(`boom ${i % 4}`));
    if (i % 5 === 0) {
      stats.schedule.recordLag(rand() * 50);
      stats.logScheduled('GET', name, rt, 10, rand() * 50);
    }
  }
  exceptions.log('task blew up', 'TypeError: task blew up\n    at x', 'w_1');
  return { stats, exceptions };
}

/** A report as WorkerRunner sends it: buckets packed. */
function report(seed = 1): StatsReport {
  const { stats, exceptions } = workerStats(seed);
  const s = stats.serialize();
  const pack = (snap: StatsSnapshot) => {
    for (const e of [...snap.entries, snap.total]) e.histogram = packBuckets(e.histogram!);
  };
  pack(s);
  if (s.corrected) pack(s.corrected);
  if (s.schedule) s.schedule.lag = packBuckets(s.schedule.lag);
  return { stats: s, exceptions: exceptions.serialize(), userCount: 3, userClassesCount: { A: 1, B: 2 }, custom: { llm: { x: 1 } } };
}

const frame = (data: unknown, type = 'stats') => encode({ type, data, nodeId: 'w_1' } as never);
const reasonOf = (f: Buffer) => {
  try {
    decodeWorkerMessage(f);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('worker frames', () => {
  it('accepts reports as workers build them, and merging them equals the worker statistics', () => {
    const merged = new RequestStats();
    const truth = [1, 2, 3].map((seed) => workerStats(seed).stats);
    for (const seed of [1, 2, 3]) {
      const msg = decodeWorkerMessage(frame(report(seed)));
      expect(msg.type).toBe('stats');
      merged.merge((msg.data as StatsReport).stats);
    }
    const requests = truth.reduce((s, t) => s + t.total.numRequests, 0);
    expect(merged.total.numRequests).toBe(requests);
    expect(merged.total.numFailures).toBe(truth.reduce((s, t) => s + t.total.numFailures, 0));
    expect(merged.corrected!.total.numRequests).toBe(truth.reduce((s, t) => s + t.corrected!.total.numRequests, 0));
    expect(merged.schedule.iterations).toBe(truth.reduce((s, t) => s + t.schedule.iterations, 0));
    expect(merged.total.maxResponseTime).toBe(Math.max(...truth.map((t) => t.total.maxResponseTime)));
  });

  it('accepts an empty report and the other messages a worker sends', () => {
    const empty = new RequestStats().serialize();
    expect(reasonOf(frame({ stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {} }))).toBe('accepted');
    expect(reasonOf(frame({ stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {}, reset: 2 }))).toBe('accepted');
    expect(reasonOf(frame({ stats: empty, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {}, reset: -1 }))).toMatch(/reset/);
    const others: WorkerMessage[] = [
      { type: 'client_ready', data: { protocol: 2, version: '0.1.0', host: 'h', fileHash: 'abc' } },
      { type: 'heartbeat', data: { state: 'running', cpu: 12.5, memory: 1e8 } },
      { type: 'spawning', data: null },
      { type: 'spawning_complete', data: { userClassesCount: { A: 2 }, userCount: 2 } },
      { type: 'client_stopped', data: null },
      { type: 'quit', data: null },
      { type: 'custom', data: { type: 'x', data: [1, 2] } },
      { type: 'user_files_request', data: { protocol: 2 } },
    ];
    for (const m of others) expect(reasonOf(frame(m.data, m.type)), m.type).toBe('accepted');
  });

  const cases: Array<[string, (r: StatsReport) => void, RegExp]> = [
    ['an entry with only a name and method', (r) => (r.stats.entries[0] = { name: '/x', method: 'GET' } as never), /stats\.entries\[0\]\.numRequests: expected an integer/],
    ['NaN', (r) => (r.stats.entries[1]!.totalResponseTime = Number.NaN), /entries\[1\]\.totalResponseTime: expected a finite number.*got NaN/],
    ['Infinity', (r) => (r.stats.total.maxResponseTime = Infinity), /total\.maxResponseTime: expected a finite number/],
    ['a negative count', (r) => (r.stats.entries[0]!.numFailures = -1), /entries\[0\]\.numFailures: expected an integer/],
    ['a fractional count', (r) => (r.stats.entries[0]!.numRequests += 0.5), /entries\[0\]\.numRequests: expected an integer/],
    ['a huge count', (r) => (r.stats.entries[0]!.numRequests = 2 ** 60), /entries\[0\]\.numRequests: expected an integer/],
    ['a count that does not match the buckets', (r) => {
      const e = r.stats.entries[0]!;
      e.numRequests++;
      e.numReqsPerSec[0]![1]++;
    }, /entries\[0\]: histogram holds \d+ samples/],
    ['per-second counts that do not add up', (r) => r.stats.entries[0]!.numReqsPerSec[0]![1]++, /numReqsPerSec adds up to/],
    ['min above max', (r) => (r.stats.entries[0]!.minResponseTime = r.stats.entries[0]!.maxResponseTime + 1), /minResponseTime .* > maxResponseTime/],
    ['a min that is not in the first bucket', (r) => (r.stats.entries[0]!.minResponseTime! += 5), /first histogram bucket/],
    ['a max that is not in the last bucket', (r) => (r.stats.total.maxResponseTime = r.stats.total.maxResponseTime * 2), /last histogram bucket/],
    ['truncated packed buckets', (r) => {
      const h = r.stats.entries[0]!.histogram as Uint8Array;
      r.stats.entries[0]!.histogram = h.subarray(0, h.length - 1);
    }, /histogram: /],
    ['buckets of the wrong type', (r) => (r.stats.entries[0]!.histogram = 'abc' as never), /histogram: expected packed bytes/],
    ['an entry twice', (r) => r.stats.entries.push(r.stats.entries[0]!), /appears twice/],
    ['a total that is not the sum of the entries', (r) => r.stats.entries.pop(), /entries add up to/],
    ['a failure group with a forged key', (r) => (r.stats.errors[0]!.key = 'a'.repeat(64)), /errors\[0\]: key is not the hash/],
    ['failure groups that do not add up', (r) => r.stats.errors[0]!.occurrences++, /failure groups add up to/],
    ['a failure time that is no date (a CSV writer would throw formatting it)', (r) => (r.stats.errors[0]!.lastSeen = 1e300), /errors\[0\]\.lastSeen: expected a finite number in \[0, 4294967296\]/],
    ['schedule lag that does not match the iterations', (r) => r.stats.schedule!.iterations++, /schedule: lag holds/],
    ['a corrected snapshot with an entry of garbage', (r) => (r.stats.corrected!.entries[0]!.numRequests = -3), /stats\.corrected\.entries\[0\]\.numRequests/],
    ['a name too long', (r) => (r.stats.entries[0]!.name = 'x'.repeat(10_000)), /entries\[0\]\.name: expected a string of 0 to 8192/],
    ['an exception without a count', (r) => delete (r.exceptions.exceptions[0] as Partial<{ count: number }>).count, /exceptions\.exceptions\[0\]\.count/],
    ['a user count below zero', (r) => (r.userCount = -1), /userCount: expected an integer/],
    ['a class count that is not a number', (r) => (r.userClassesCount = { A: '1' as never }), /userClassesCount: "A": expected an integer/],
    ['no custom object', (r) => (r.custom = [] as never), /custom: expected an object/],
  ];
  it.each(cases)('refuses a report with %s, naming the field', (_what, mutate, expected) => {
    const r = report();
    mutate(r);
    expect(reasonOf(frame(r))).toMatch(expected);
  });

  it('refuses bad envelopes and bad data of the small messages', () => {
    expect(reasonOf(encode({ type: 'heartbeat', data: { state: 'dancing', cpu: 1, memory: 1 }, nodeId: 'w' } as never))).toMatch(/heartbeat.*state: expected one of/);
    expect(reasonOf(encode({ type: 'heartbeat', data: { state: 'running', cpu: Number.NaN, memory: 1 }, nodeId: 'w' } as never))).toMatch(/cpu/);
    expect(reasonOf(encode({ type: 'client_ready', data: { protocol: 2, version: 'v', host: 'h'.repeat(300), fileHash: '' }, nodeId: 'w' } as never))).toMatch(/host/);
    expect(reasonOf(encode({ type: 'spawning', data: { a: 1 }, nodeId: 'w' } as never))).toMatch(/expected no data/);
    expect(reasonOf(encode({ type: 'quit', data: null, nodeId: '' } as never))).toMatch(/node id of 0 characters/);
    expect(reasonOf(encode({ type: 'quit', data: null, nodeId: 'x'.repeat(300) } as never))).toMatch(/node id of 300 characters/);
  });
});

describe('master frames', () => {
  const decode = (m: MasterMessage) => {
    try {
      decodeMasterMessage(encode({ ...m, nodeId: 'master' }));
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };
  const spawn = { timestamp: 1.5, userClassesCount: { A: 2 }, host: 'http://x', stopTimeout: 0, parsedOptions: { users: 2 } };
  it('accepts what a master sends, refuses out-of-range spawns and arrival shares', () => {
    expect(decode({ type: 'spawn', data: spawn })).toBe('accepted');
    const arrivals = { plan: { rate: 5, stages: [{ duration: 10, rate: 20 }], spacing: 'even' as const, seed: 3 }, index: 0, count: 2, maxUsers: 4, elapsed: 0 };
    expect(decode({ type: 'spawn', data: { ...spawn, userClassesCount: {}, arrivals } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, arrivals: { ...arrivals, index: 2 } } })).toMatch(/index 2 is not below count 2/);
    const gamma = { ...arrivals, plan: { ...arrivals.plan, spacing: 'gamma' as const, burstiness: 0.5 } };
    expect(decode({ type: 'spawn', data: { ...spawn, userClassesCount: {}, arrivals: gamma } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, arrivals: { ...gamma, plan: { ...gamma.plan, burstiness: 0 } } } })).toMatch(/burstiness/);
    expect(decode({ type: 'spawn', data: { ...spawn, arrivals: { ...gamma, plan: { ...gamma.plan, spacing: 'bursty' } } } as never })).toMatch(/spacing/);
    expect(decode({ type: 'spawn', data: { ...spawn, userClassesCount: { A: -1 } } })).toMatch(/userClassesCount/);
    expect(decode({ type: 'spawn', data: { ...spawn, stopTimeout: Number.NaN } })).toMatch(/stopTimeout/);
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: 12.5, cooldownStart: null } } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: -3, cooldownStart: 40 } } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: Number.POSITIVE_INFINITY, cooldownStart: null } } })).toMatch(/window\.warmupEnd/);
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: 1 } as never } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, window: 'soon' as never } })).toMatch(/window/);
    expect(decode({ type: 'user_files', data: { files: [{ name: 'a.mjs', contents: 'x' }] } })).toBe('accepted');
    expect(decode({ type: 'user_files', data: { files: [{ name: '', contents: 'x' }] } })).toMatch(/name/);
    expect(decode({ type: 'ack', data: { index: -1 } })).toMatch(/index/);
  });

  it('validates the counted warm-up share of a spawn and the reset message', () => {
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: null, cooldownStart: null, warmupRequests: 5 } } })).toBe('accepted');
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: null, cooldownStart: null, warmupRequests: 1.5 } } })).toMatch(/window\.warmupRequests/);
    expect(decode({ type: 'spawn', data: { ...spawn, window: { warmupEnd: null, cooldownStart: null, warmupRequests: -1 } } })).toMatch(/window\.warmupRequests/);
    expect(decode({ type: 'reset', data: { seq: 3 } })).toBe('accepted');
    expect(decode({ type: 'reset', data: { seq: 0 } })).toMatch(/reset.*seq/);
    expect(decode({ type: 'reset', data: { seq: 'next' } as never })).toMatch(/reset.*seq/);
    expect(decode({ type: 'reset', data: null } as never)).toMatch(/reset/);
  });
});
