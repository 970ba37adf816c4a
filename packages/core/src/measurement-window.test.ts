import { describe, expect, it } from 'vitest';
import { MeasurementWindow } from './measurement-window.ts';

const T0 = 1_700_000_000;

function windowOf(settings: { warmup?: number; cooldown?: number; runTime?: number }): MeasurementWindow {
  const w = new MeasurementWindow();
  w.configure(settings);
  w.start(T0);
  return w;
}

describe('MeasurementWindow', () => {
  it('admits everything when no window is set, and has no summary line', () => {
    const w = windowOf({});
    expect(w.admits(T0 - 1)).toBe(true);
    expect(w.admits(T0 + 1e6)).toBe(true);
    expect(w.summary()).toBeUndefined();
  });

  it('judges by the start time: a request begun in warm-up stays out, whenever it is recorded', () => {
    const w = windowOf({ warmup: 10 });
    expect(w.admits(T0 + 9.999)).toBe(false);
    expect(w.admits(T0)).toBe(false);
    expect(w.admits(T0 + 10)).toBe(true);
    expect(w.admits(T0 + 500)).toBe(true);
    expect(w.excluded).toEqual({ warmup: 2, cooldown: 0, reset: 0 });
    expect(w.summary()).toBe('Excluded 2 requests started during warm-up, 0 during cool-down');
  });

  it('leaves out requests started in the cool-down, counted back from the end of the run time', () => {
    const w = windowOf({ cooldown: 5, runTime: 60 });
    expect(w.admits(T0 + 54.9)).toBe(true);
    expect(w.admits(T0 + 55)).toBe(false);
    expect(w.admits(T0 + 70)).toBe(false);
    expect(w.excluded).toEqual({ warmup: 0, cooldown: 2, reset: 0 });
  });

  it('has no cool-down without a run time', () => {
    const w = windowOf({ cooldown: 5 });
    expect(w.admits(T0 + 1e5)).toBe(true);
  });

  it('contains() judges the same way but counts nothing', () => {
    const w = windowOf({ warmup: 10, cooldown: 5, runTime: 60 });
    expect([w.contains(T0 + 1), w.contains(T0 + 20), w.contains(T0 + 56)]).toEqual([false, true, false]);
    expect(w.excluded).toEqual({ warmup: 0, cooldown: 0, reset: 0 });
  });

  it('after a reset, requests started before it are left out even if they end after it', () => {
    const w = windowOf({});
    w.resetAt(T0 + 30);
    expect(w.admits(T0 + 29)).toBe(false);
    expect(w.admits(T0 + 30)).toBe(true);
    expect(w.excluded).toEqual({ warmup: 0, cooldown: 0, reset: 1 });
    expect(w.summary()).toBe('Excluded 0 requests started during warm-up, 0 during cool-down, 1 before the statistics were reset');
  });

  it('a new test starts its counts and bounds again', () => {
    const w = windowOf({ warmup: 10 });
    w.admits(T0 + 1);
    w.resetAt(T0 + 100);
    w.start(T0 + 200);
    expect(w.excluded).toEqual({ warmup: 0, cooldown: 0, reset: 0 });
    expect(w.admits(T0 + 150)).toBe(false); // before the new warm-up's end
    expect(w.admits(T0 + 210)).toBe(true);
  });

  it('hands a worker its bounds as offsets, which do not depend on the clocks agreeing', () => {
    const master = windowOf({ warmup: 10, cooldown: 5, runTime: 60 });
    const offsets = master.offsets(T0 + 4);
    expect(offsets).toEqual({ warmupEnd: 6, cooldownStart: 51 });
    const worker = new MeasurementWindow();
    const skewed = T0 + 3600; // the worker's clock is an hour ahead
    worker.set(offsets, true, skewed);
    expect(worker.contains(skewed + 5.9)).toBe(false);
    expect(worker.contains(skewed + 6)).toBe(true);
    expect(worker.contains(skewed + 51)).toBe(false);
    expect(new MeasurementWindow().offsets(T0)).toEqual({ warmupEnd: null, cooldownStart: null });
  });

  it('a worker sends what it left out since its last report; the master adds the parts up', () => {
    const worker = windowOf({ warmup: 10, cooldown: 5, runTime: 60 });
    expect(worker.takeDelta()).toBeUndefined();
    worker.admits(T0 + 1);
    worker.admits(T0 + 2);
    expect(worker.takeDelta()).toEqual({ warmup: 2, cooldown: 0, reset: 0 });
    expect(worker.takeDelta()).toBeUndefined();
    worker.admits(T0 + 58);
    const master = windowOf({ warmup: 10, cooldown: 5, runTime: 60 });
    master.merge({ warmup: 2, cooldown: 0, reset: 0 });
    master.merge(worker.takeDelta()!);
    master.merge({ warmup: 3, cooldown: 1, reset: 0 });
    expect(master.excluded).toEqual({ warmup: 5, cooldown: 2, reset: 0 });
  });

  it('a later spawn of the same test moves the bounds but keeps the counts', () => {
    const w = new MeasurementWindow();
    w.set({ warmupEnd: 10, cooldownStart: null }, true, T0);
    w.admits(T0 + 1);
    w.set({ warmupEnd: 5, cooldownStart: null }, false, T0 + 5);
    expect(w.excluded.warmup).toBe(1);
    expect(w.contains(T0 + 9)).toBe(false);
  });
});

describe('a counted warm-up (--warmup Nreq)', () => {
  it('leaves out the first N starts, ties in one instant included, whenever they are judged', () => {
    const w = new MeasurementWindow();
    w.configure({ warmupRequests: 3 });
    w.start(1000);
    // Four starts in the same millisecond: each gets its own start time, in order.
    const starts = [w.noteStart(1001), w.noteStart(1001), w.noteStart(1001), w.noteStart(1001), w.noteStart(1002)];
    expect(new Set(starts).size).toBe(5);
    expect(starts.map((s) => w.admits(s))).toEqual([false, false, false, true, true]);
    expect(w.excluded.warmup).toBe(3);
    expect(w.summary()).toBe('Excluded 3 requests started during warm-up, 0 during cool-down');
  });

  it('leaves out everything that started while the count is not reached', () => {
    const w = new MeasurementWindow();
    w.configure({ warmupRequests: 10 });
    w.start(1000);
    const s = w.noteStart(1001);
    expect(w.contains(s)).toBe(false);
    expect(w.contains(5000)).toBe(false);
  });

  it("splits a master's count over its workers, and a worker takes its share when its test starts", () => {
    const master = new MeasurementWindow();
    master.configure({ warmupRequests: 10 });
    expect([0, 1, 2].map((k) => master.shareOf(k, 3))).toEqual([4, 3, 3]);
    const worker = new MeasurementWindow();
    worker.set({ warmupEnd: null, cooldownStart: null, warmupRequests: 2 }, true, 1000);
    const starts = [worker.noteStart(1001), worker.noteStart(1002), worker.noteStart(1003)];
    // A later spawn of the same test does not start the count again.
    worker.set({ warmupEnd: null, cooldownStart: null, warmupRequests: 2 }, false, 1004);
    expect(starts.map((s) => worker.contains(s))).toEqual([false, false, true]);
  });
});
