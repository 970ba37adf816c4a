import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { HdrLogWriter, hdrLogTag } from './hdr-log.ts';
import { createHistogram, recordMicros, requireHdr, toMicros } from './histogram.ts';
import { RequestStats } from './request-stats.ts';

// The library's own reader, as HdrHistogram tools read the log (tests only: it loads WASM code).
const HistogramLogReader = (
  requireHdr('hdr-histogram-js/dist/HistogramLogReader.js') as {
    default: new (content: string) => { nextIntervalHistogram(): Histogram | null };
  }
).default;

const T = 1_700_000_000;

function readAll(log: string): Histogram[] {
  const reader = new HistogramLogReader(log);
  const out: Histogram[] = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) out.push(h);
  return out;
}

function fresh(rts: readonly number[]): JsHistogram {
  const h = createHistogram();
  for (const rt of rts) recordMicros(h, toMicros(rt));
  return h;
}

describe('HdrLogWriter', () => {
  it('writes the standard header, then one line per interval and tag', () => {
    let now = T + 0.25;
    const stats = new RequestStats({ clock: () => now });
    const chunks: string[] = [];
    const writer = new HdrLogWriter((text) => chunks.push(text), stats);
    expect(chunks.join('').split('\n')).toEqual([
      '#[Histogram log format version 1.3]',
      '#[StartTime: 1700000000.250 (seconds since epoch), 2023-11-14T22:13:20.250Z]',
      '#[BaseTime: 1700000000.250 (seconds since epoch)]',
      '#[Response times in microseconds; HistogramLogProcessor -outputValueUnitRatio 1000 reports ms]',
      '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
      '',
    ]);
    stats.logRequest('GET', '/a b', 12.5, 0);
    stats.logRequest('POST', '/a b', 40.25, 0);
    now += 1;
    writer.writeInterval();
    now += 2;
    writer.writeInterval();
    const lines = chunks.slice(1).join('').trimEnd().split('\n');
    expect(lines.map((l) => l.split(',').slice(0, -1).join(','))).toEqual([
      '0.000,1.000,40.250',
      'Tag=GET_/a_b,0.000,1.000,12.500',
      'Tag=POST_/a_b,0.000,1.000,40.250',
      // An idle interval still has its untagged line, so the timeline has no hole.
      '1.000,2.000,0.000',
    ]);
    for (const l of lines) expect(l.split(',').at(-1)).toMatch(/^HISTFAAA[A-Za-z0-9+/=]+$/);
  });

  it('reads back with HdrHistogram\'s log reader: counts, max and percentiles of each interval', () => {
    let now = T;
    const stats = new RequestStats({ clock: () => now });
    let log = '';
    const writer = new HdrLogWriter({ write: (text: string) => (log += text) }, stats);
    const intervals = [
      Array.from({ length: 500 }, (_, i) => 1 + ((i * 7919) % 400) / 3),
      Array.from({ length: 300 }, (_, i) => 50 + ((i * 104729) % 2000) * 1.37),
    ];
    for (const rts of intervals) {
      for (const rt of rts) stats.logRequest('GET', '/api', rt, 0);
      now += 5;
      writer.writeInterval();
    }
    const read = readAll(log);
    const untagged = read.filter((h) => h.tag === 'NO TAG');
    const tagged = read.filter((h) => h.tag === 'GET_/api');
    expect(untagged).toHaveLength(2);
    expect(tagged).toHaveLength(2);
    intervals.forEach((rts, i) => {
      const expected = fresh(rts);
      for (const h of [untagged[i], tagged[i]]) {
        if (h === undefined) throw new Error('missing interval');
        expect(h.totalCount).toBe(rts.length);
        // A decoded histogram knows its max to the bucket: the top of the highest one.
        expect(h.maxValue).toBe(expected.highestEquivalentValue(expected.maxValue));
        for (const p of [0, 25, 50, 90, 99, 99.9, 100]) expect(h.getValueAtPercentile(p)).toBe(expected.getValueAtPercentile(p));
        expect(h.startTimeStampMsec).toBe((T + 5 * i) * 1000);
        expect(h.endTimeStampMsec).toBe((T + 5 * (i + 1)) * 1000);
      }
    });
    // Interval_Max: the interval's exact max in ms (µs / 1000).
    const maxes = log.split('\n').filter((l) => /^\d/.test(l)).map((l) => Number(l.split(',')[2]));
    expect(maxes).toEqual([Math.max(...(intervals[0] ?? [])), Math.max(...(intervals[1] ?? []))].map((m) => Number(m.toFixed(3))));
  });

  it('follows stats.reset() and can leave out per-entry tags', () => {
    let now = T;
    const stats = new RequestStats({ clock: () => now });
    let log = '';
    const writer = new HdrLogWriter((t) => (log += t), stats, { perEntry: false, startTime: T - 10, maxValueUnitRatio: 1 });
    for (let i = 0; i < 100; i++) stats.logRequest('GET', '/a', 100, 0);
    now += 1;
    stats.reset();
    stats.logRequest('GET', '/a', 7, 0);
    now += 1;
    writer.writeInterval();
    expect(log).not.toContain('Tag=');
    expect(log.trimEnd().split('\n').at(-1)?.split(',').slice(0, 3)).toEqual(['11.000', '1.000', '7000.000']);
    const [h] = readAll(log);
    expect(h?.totalCount).toBe(1);
  });
});

describe('hdrLogTag', () => {
  it('keeps [A-Za-z0-9_./-] and replaces the rest', () => {
    expect(hdrLogTag('GET', '/api/users?id=1, 2')).toBe('GET_/api/users_id_1__2');
    expect(hdrLogTag('', 'http://x:8080/a')).toBe('http_//x_8080/a');
    expect(hdrLogTag('', '')).toBe('_');
  });

  it('gives entries that sanitise alike distinct tags', () => {
    const stats = new RequestStats({ clock: () => T });
    let log = '';
    const writer = new HdrLogWriter((t) => (log += t), stats);
    stats.logRequest('GET', '/a b', 1, 0);
    stats.logRequest('GET', '/a,b', 1, 0);
    writer.writeInterval();
    expect(log.match(/^Tag=[^,]*/gm)).toEqual(['Tag=GET_/a_b', 'Tag=GET_/a_b_2']);
  });
});
