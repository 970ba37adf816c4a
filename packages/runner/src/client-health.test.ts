import { describe, expect, it } from 'vitest';
import { ClientHealth, checkClientIntervals, isClientLimited } from './client-health.ts';
import type { ClientInterval } from './client-health.ts';

const row = (end: number, cpu: number, lagP99 = 1, process = 'local'): ClientInterval => ({ end, seconds: 1, process, cpu, lagP50: 0.5, lagP99, lagMax: lagP99 + 1 });

describe('ClientHealth', () => {
  it('limits an interval on CPU or on loop lag', () => {
    expect(isClientLimited(row(1, 89.9))).toBe(false);
    expect(isClientLimited(row(1, 90))).toBe(true);
    expect(isClientLimited(row(1, 10, 50))).toBe(true);
    expect(isClientLimited(row(1, 10, 49))).toBe(false);
  });

  it('answers for a window: limited when any process was limited in part of it', () => {
    const h = new ClientHealth({ process: () => 'local', sampling: false });
    h.add(row(101, 20, 1, 'w1'));
    h.add(row(102, 99, 1, 'w2'));
    h.add(row(103, 20, 1, 'w1'));
    expect(h.clientLimitedBetween(100, 101)).toBe(false);
    expect(h.clientLimitedBetween(100.5, 101.5)).toBe(true);
    expect(h.clientLimitedBetween(102, 110)).toBe(false);
    expect(h.summary()).toEqual({ seconds: 3, limitedSeconds: 1, maxCpu: 99, maxLagMs: 2, processes: 2 });
  });

  it('counts a second once however many processes were limited in it', () => {
    const h = new ClientHealth({ process: () => 'local', sampling: false });
    h.add(row(101, 95, 1, 'w1'));
    h.add(row(101.2, 95, 1, 'w2'));
    expect(h.summary().limitedSeconds).toBe(1);
  });

  it('hands each interval once to the report and once to the history file, and forgets all on reset', () => {
    const h = new ClientHealth({ process: () => 'local', sampling: false });
    h.add(row(1, 1));
    expect(h.takeUnsent()).toHaveLength(1);
    expect(h.takeUnsent()).toHaveLength(0);
    expect(h.takeUnwritten()).toHaveLength(1);
    h.add(row(2, 1));
    h.reset();
    expect(h.intervals).toHaveLength(0);
    expect(h.takeUnwritten()).toHaveLength(0);
  });

  it('samples this process: CPU and lag of a busy second', async () => {
    const h = new ClientHealth({ process: () => 'me', sampling: true });
    h.start();
    await new Promise((r) => setTimeout(r, 20));
    const end = performance.now() + 300;
    while (performance.now() < end) {
      // Busy: the loop cannot serve the lag timer meanwhile.
    }
    // The late timer records the delay when it fires, after the block.
    await new Promise((r) => setTimeout(r, 30));
    h.stop();
    expect(h.intervals).toHaveLength(1);
    const [r] = h.intervals;
    expect(r!.process).toBe('me');
    expect(r!.lagMax).toBeGreaterThan(200);
    expect(r!.cpu).toBeGreaterThan(0);
  });

  it('keeps the first 100,000 intervals as they are; the summaries count them all', () => {
    const h = new ClientHealth({ process: () => 'local', sampling: false });
    for (let i = 0; i < 100_001; i++) h.add(row(1_000 + i, i === 100_000 ? 95 : 10));
    expect(h.intervals).toHaveLength(100_000);
    expect(h.omitted).toBe(1);
    expect(h.summary()).toMatchObject({ seconds: 100_001, limitedSeconds: 1, maxCpu: 95 });
    expect(h.processes()).toEqual([{ process: 'local', seconds: 100_001, limitedSeconds: 1, maxCpu: 95, maxLagP99: 1, maxLag: 2 }]);
    expect(h.clientLimitedBetween(100_999.5, 101_000.5)).toBe(true);
  });

  it("refuses a worker's malformed intervals", () => {
    expect(checkClientIntervals([row(1, 1)])).toBeUndefined();
    expect(checkClientIntervals({})).toBe('not an array');
    expect(checkClientIntervals([{ ...row(1, 1), cpu: -1 }])).toMatch(/^\[0\]\.cpu/);
    expect(checkClientIntervals([{ ...row(1, 1), lagP99: Number.NaN }])).toMatch(/^\[0\]\.lagP99/);
    expect(checkClientIntervals([{ ...row(1, 1), process: '' }])).toMatch(/^\[0\]\.process/);
    expect(checkClientIntervals(['x'])).toBe('[0]: not an object');
  });
});
