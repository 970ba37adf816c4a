import { createHistogram } from './histogram.ts';
import { createHash } from 'node:crypto';
import type { JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { packBuckets } from './histogram-codec.ts';
import { PERCENTILES_TO_REPORT } from './percentiles.ts';
import { RequestStats } from './request-stats.ts';
import type { StatsSnapshot } from './snapshot.ts';
import { errorDisplayName, parseError } from './stats-error.ts';

const T = 1_700_000_000;

function clockAt(t: number): { clock: () => number; set: (t: number) => void } {
  let now = t;
  return { clock: () => now, set: (v) => (now = v) };
}

describe('entries', () => {
  it('are sorted by (name, method), Aggregated apart', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    for (const [m, n] of [['POST', '/b'], ['GET', '/b'], ['GET', '/a'], ['DELETE', '/a']] as const) stats.logRequest(m, n, 1, 0);
    expect(stats.entries().map((e) => `${e.name} ${e.method}`)).toEqual(['/a DELETE', '/a GET', '/b GET', '/b POST']);
    expect(stats.total.name).toBe('Aggregated');
    expect(stats.total.method).toBe('');
    expect(stats.total.numRequests).toBe(4);
    expect(stats.get('/a', 'GET')?.numRequests).toBe(1);
    expect(stats.get('/a', 'PUT')).toBeUndefined();
  });
});

describe('parseError', () => {
  it('renders strings, Errors (Python repr) and other values', () => {
    expect(parseError('plain text')).toBe('plain text');
    expect(parseError(new Error('boom'))).toBe("Error('boom')");
    expect(parseError(new TypeError("it's"))).toBe('TypeError("it\'s")');
    class HTTPError extends Error {
      override name = 'HTTPError';
    }
    expect(parseError(new HTTPError('404 Client Error: NOT FOUND for url: /x'))).toBe(
      "HTTPError('404 Client Error: NOT FOUND for url: /x')",
    );
    expect(parseError(42)).toBe('42');
  });

  it('masks memory addresses (test_error_grouping_with_memory_addresses)', () => {
    expect(parseError('Error: <Foo object at 0x7f9c2d0e1a90> failed, <Foo object at 0x7f9c2d0e1a90>')).toBe(
      'Error: <Foo object at 0x....> failed, <Foo object at 0x....>',
    );
  });

  it('unwraps CatchResponseError in the report name', () => {
    expect(errorDisplayName({ method: 'POST', name: '/x', error: "CatchResponseError('Unexpected status: 500')" })).toBe(
      'POST /x: Unexpected status: 500',
    );
    expect(errorDisplayName({ method: 'GET', name: '/y', error: "ValueError('bad')" })).toBe("GET /y: ValueError('bad')");
  });
});

describe('errors (test_error_grouping)', () => {
  it('groups identical errors, separates different ones, keeps first/last seen', () => {
    const c = clockAt(T + 0.5);
    const stats = new RequestStats({ clock: c.clock });
    stats.logError('GET', '/a', new Error('Connection refused'));
    c.set(T + 3.5);
    stats.logError('GET', '/a', new Error('Connection refused'));
    stats.logError('GET', '/a', new Error('Timeout'));
    stats.logError('GET', '/a', 'Error: <Foo object at 0x1234> x');
    stats.logError('GET', '/a', 'Error: <Foo object at 0xabcd> x');
    const errors = stats.errors();
    expect(errors).toHaveLength(3);
    const refused = errors.find((e) => e.error === "Error('Connection refused')")!;
    expect(refused.occurrences).toBe(2);
    expect(refused.firstSeen).toBe(T + 0.5);
    expect(refused.lastSeen).toBe(T + 3.5);
    expect(errors.find((e) => e.error === 'Error: <Foo object at 0x....> x')?.occurrences).toBe(2);
    expect(refused.key).toBe(
      createHash('sha256').update(`GET./a.${'"' + "Error('Connection refused')" + '"'}`).digest('hex'),
    );
    // failures.csv order: by key; report order: as first logged
    expect(errors.map((e) => e.key)).toEqual([...errors.map((e) => e.key)].sort());
    expect(stats.errors('logged').map((e) => e.error)).toEqual([
      "Error('Connection refused')",
      "Error('Timeout')",
      'Error: <Foo object at 0x....> x',
    ]);
    expect(stats.get('/a', 'GET')!.numFailures).toBe(5);
    expect(stats.total.numFailures).toBe(5);
  });

  it('a master merge extends first and last seen (test_error_master_merge_extends_first_and_last_seen)', () => {
    const worker = (first: number, last: number, n: number): StatsSnapshot => {
      const c = clockAt(first);
      const s = new RequestStats({ clock: c.clock });
      for (let i = 0; i < n; i++) {
        c.set(i === n - 1 ? last : first);
        s.logError('GET', '/', 'boom');
      }
      return JSON.parse(JSON.stringify(s.serialize())) as StatsSnapshot;
    };
    const master = new RequestStats({ clock: clockAt(T).clock });
    master.merge(worker(100, 110, 2));
    master.merge(worker(90, 120, 3));
    const [e] = master.errors();
    expect(e).toMatchObject({ occurrences: 5, firstSeen: 90, lastSeen: 120, error: 'boom' });
    expect(master.total.numFailures).toBe(5);
  });
});

describe('serialize -> merge (the distributed invariant)', () => {
  function lcg(seed: number): () => number {
    let x = seed;
    return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }

  it('two workers fed disjoint halves, merged into a master, equal one RequestStats fed everything', () => {
    const c = clockAt(T + 0.5);
    const w1 = new RequestStats({ clock: c.clock });
    const w2 = new RequestStats({ clock: c.clock });
    const all = new RequestStats({ clock: c.clock, windowedEntries: true });
    const master = new RequestStats({ clock: c.clock, windowedEntries: true });
    const rnd = lcg(7);
    const names = ['/a', '/b', '/c'];
    for (let i = 0; i < 20_000; i++) {
      if (i % 1000 === 0) c.set(T + 0.5 + i / 1000);
      const name = names[i % 3]!;
      // log-normal-ish spread from 0.2 ms to ~60 s, plus some None requests
      const rt = i % 97 === 0 ? null : 0.2 * Math.exp(rnd() * 12.6);
      const worker = i % 2 === 0 ? w1 : w2;
      for (const s of [worker, all]) {
        s.logRequest('GET', name, rt, i % 500);
        if (i % 13 === 0) s.logError('GET', name, `error ${i % 3}`);
      }
    }
    for (const w of [w1, w2]) {
      master.merge(JSON.parse(JSON.stringify(w.serialize())) as StatsSnapshot);
      w.reset();
    }
    expect(master.entries().map((e) => e.name)).toEqual(names);
    for (const [m, a] of [[master.total, all.total], ...names.map((n) => [master.get(n, 'GET')!, all.get(n, 'GET')!])] as const) {
      expect(m.numRequests).toBe(a.numRequests);
      expect(m.numNoneRequests).toBe(a.numNoneRequests);
      expect(m.numFailures).toBe(a.numFailures);
      expect(m.totalContentLength).toBe(a.totalContentLength);
      expect(m.minResponseTime).toBe(a.minResponseTime);
      expect(m.maxResponseTime).toBe(a.maxResponseTime);
      expect(m.avgResponseTime).toBeCloseTo(a.avgResponseTime, 9);
      expect(m.medianResponseTime).toBe(a.medianResponseTime);
      expect(m.responseTimePercentiles(PERCENTILES_TO_REPORT)).toEqual(a.responseTimePercentiles(PERCENTILES_TO_REPORT));
      expect(m.requestsPerSecond()).toEqual(a.requestsPerSecond());
      expect(m.failuresPerSecond()).toEqual(a.failuresPerSecond());
      expect(m.histogram().totalCount).toBe(a.histogram().totalCount);
    }
    expect(master.errors().map((e) => [e.key, e.occurrences])).toEqual(all.errors().map((e) => [e.key, e.occurrences]));
    expect(w1.serialize().entries).toEqual([]); // reset workers send nothing
  });

  it('a total without its histogram (a compact report\'s) merges as the sum of the entries, bucket for bucket as the worker\'s own', () => {
    const c = clockAt(T + 0.5);
    const plain = new RequestStats({ clock: c.clock, windowedEntries: true });
    const compact = new RequestStats({ clock: c.clock, windowedEntries: true });
    const rnd = lcg(11);
    // Small reports first (the total keeps its first samples as values), then large ones; times
    // from 0 µs (bucket 0) to over 35 minutes (past 2^31 µs, where the window histogram grows).
    for (const [round, size] of [[0, 40], [1, 200], [2, 3000], [3, 5000]] as const) {
      c.set(T + 0.5 + round);
      const w = new RequestStats({ clock: c.clock });
      for (let i = 0; i < size; i++) {
        const rt = i % 97 === 0 ? null : i % 101 === 0 ? 0 : i % 499 === 0 ? 2_400_000 + i : 0.2 * Math.exp(rnd() * 12.6);
        w.logRequest(i % 4 === 0 ? 'POST' : 'GET', `/e${i % 7}`, rt, 1);
      }
      const s = w.serialize();
      plain.merge(JSON.parse(JSON.stringify(s)) as StatsSnapshot);
      compact.merge({ ...s, entries: s.entries.map((e) => ({ ...e, histogram: packBuckets(e.histogram!) })), total: { ...s.total, histogram: null } });
    }
    c.set(T + 5.5);
    const pairs = [[plain.total, compact.total], ...plain.entries().map((e) => [e, compact.get(e.name, e.method)!])] as const;
    for (const [p, q] of pairs) {
      expect(q.histogramBuckets()).toEqual(p.histogramBuckets());
      expect(q.responseTimePercentiles(PERCENTILES_TO_REPORT)).toEqual(p.responseTimePercentiles(PERCENTILES_TO_REPORT));
      expect(q.currentResponseTimePercentiles(PERCENTILES_TO_REPORT)).toEqual(p.currentResponseTimePercentiles(PERCENTILES_TO_REPORT));
      for (const key of ['totalCount', 'maxValue', 'minNonZeroValue', 'countsArrayLength'] as const) expect((q.histogram() as JsHistogram)[key]).toBe((p.histogram() as JsHistogram)[key]);
    }
    expect(plain.total.histogram().totalCount).toBeGreaterThan(256);
  });

  it('merged samples count in the master\'s current second window (test_master_current_response_times)', () => {
    const c = clockAt(T + 0.5);
    const report = (values: number[]): StatsSnapshot => {
      const w = new RequestStats({ clock: c.clock });
      for (const v of values) w.logRequest('GET', '/', v, 0);
      return w.serialize();
    };
    const master = new RequestStats({ clock: c.clock, windowedEntries: true });
    master.merge(report([100, 800]));
    master.merge(report([400]));
    c.set(T + 1.5);
    const e = master.get('/', 'GET')!;
    expect(Math.round(e.getCurrentResponseTimePercentile(0.5)!)).toBe(400); // 2-digit window: 400.384
    expect(e.getCurrentResponseTimePercentile(0.95)).toBe(800);
    c.set(T + 11.5);
    master.merge(report([20, 3000]));
    master.merge(report([30]));
    c.set(T + 12.5);
    expect(Math.round(e.getCurrentResponseTimePercentile(0.5)!)).toBe(30);
    expect(e.getCurrentResponseTimePercentile(0.95)).toBe(3000);
    expect(Math.round(master.total.getCurrentResponseTimePercentile(0.5)!)).toBe(30);
    expect(e.numRequests).toBe(6);
    expect(master.total.numRequests).toBe(6);
  });

  it('snapshots are plain data, histograms as sparse buckets', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    stats.logRequest('GET', '/', 12.5, 3);
    stats.logRequest('GET', '/only-none', null, 0);
    const snap = stats.serialize();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    const entry = snap.entries.find((e) => e.name === '/')!;
    // One sample of 12,500 µs: one bucket, whose index maps back to that value within 0.1 %.
    expect(entry.histogram).toHaveLength(2);
    expect(entry.histogram![1]).toBe(1);
    const value = createHistogram().valueFromIndex(entry.histogram![0]!);
    expect(Math.abs(value - 12_500) / 12_500).toBeLessThan(0.001);
    expect(entry.numReqsPerSec).toEqual([[T, 1]]);
    expect(snap.entries.find((e) => e.name === '/only-none')!.histogram).toEqual([]);
  });
});
