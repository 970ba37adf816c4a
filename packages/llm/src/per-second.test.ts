import { describe, expect, it } from 'vitest';
import type { LlmSample } from './llm-entry.ts';
import { LlmStats } from './llm-stats.ts';
import { PerSecondCounts, rateWindow } from './per-second.ts';

/** A request that finished at `endSecond` (unix seconds) + 0.5. */
function finished(endSecond: number, over: Partial<LlmSample> = {}): LlmSample {
  return { name: 'chat', model: 'm', outcome: 'success', startTime: endSecond * 1000 + 300, e2e: 200, outputTokens: 10, tokenSource: 'usage', ...over };
}

describe('PerSecondCounts', () => {
  it('sums a range of seconds and merges serialized counts second by second', () => {
    const a = new PerSecondCounts();
    a.add(10, 1, 0, 5);
    a.add(12, 2, 1, 7);
    const b = new PerSecondCounts();
    b.add(12, 1, 1, 3);
    b.add(13, 4, 0, 0);
    a.merge(b.serialize());
    expect(a.serialize()).toEqual([
      [10, 1, 0, 5],
      [12, 3, 2, 10],
      [13, 4, 0, 0],
    ]);
    expect(a.sum(11, 14)).toEqual({ requests: 7, shed: 2, outputTokens: 10 });
    expect(a.sum(10, 10)).toEqual({ requests: 0, shed: 0, outputTokens: 0 });
  });

  it('takes Locust’s current window: 12 s back from the last request, the last 2 left out', () => {
    expect(rateWindow(Infinity, -Infinity)).toBeNull();
    expect(rateWindow(100_000, 130_400)).toEqual({ from: 118, to: 128 });
    // A young run starts at its first request.
    expect(rateWindow(100_000, 105_000)).toEqual({ from: 100, to: 103 });
  });
});

describe('LlmStats per-second counts', () => {
  it('averages requests, shed and output tokens over the current window, the same seconds for every entry', () => {
    const stats = new LlmStats();
    // Seconds 100..119: a success of model m each second, a shed one of model n every other.
    for (let t = 100; t < 120; t++) {
      stats.record(finished(t));
      if (t % 2 === 0) stats.record(finished(t, { model: 'n', outcome: 'shed', outputTokens: undefined }));
    }
    // Last request at 119.5: the window is [107, 117), 10 seconds.
    expect(stats.currentWindow()).toEqual({ from: 107, to: 117 });
    expect(stats.total.currentRates()).toEqual({ requests: 1.5, shed: 0.5, outputTokens: 10 });
    expect(stats.get('chat', 'm')!.currentRequestsPerSecond).toBe(1);
    expect(stats.get('chat', 'm')!.currentShedPerSecond).toBe(0);
    expect(stats.get('chat', 'n')!.currentShedPerSecond).toBe(0.5);
    expect(stats.get('chat', 'n')!.currentOutputTokensPerSecond).toBe(0);
    // A later request elsewhere moves the window of every entry.
    stats.record(finished(140, { model: 'o' }));
    expect(stats.get('chat', 'm')!.currentRequestsPerSecond).toBe(0);
    stats.reset();
    expect(stats.currentWindow()).toBeNull();
    expect(stats.total.currentShedPerSecond).toBe(0);
  });

  it('counts a request in the second it finished, and failures as requests only', () => {
    const stats = new LlmStats();
    stats.record(finished(50, { startTime: 49_900, e2e: 300 }));
    stats.record(finished(50, { outcome: 'failure', outputTokens: 99 }));
    expect(stats.total.serialize().perSecond).toEqual([[50, 2, 0, 10]]);
  });

  it('merges workers’ reports into the per-second counts one process would have', () => {
    const truth = new LlmStats();
    const workers = [new LlmStats(), new LlmStats()];
    const master = new LlmStats();
    for (let i = 0; i < 60; i++) {
      const sample = finished(200 + (i % 15), { model: i % 3 === 0 ? 'big' : 'small', outcome: i % 4 === 0 ? 'shed' : 'success', outputTokens: i });
      truth.record(sample);
      workers[i % 2]!.record(sample);
      // Reports leave at different times: each worker resets after sending.
      if (i % 10 === 9) {
        for (const w of workers) {
          master.merge(w.serialize());
          w.reset();
        }
      }
    }
    for (const w of workers) master.merge(w.serialize());
    expect(master.serialize()).toEqual(truth.serialize());
    expect(master.total.currentRates()).toEqual(truth.total.currentRates());
    expect(master.get('chat', 'big')!.currentShedPerSecond).toBe(truth.get('chat', 'big')!.currentShedPerSecond);
    expect(master.total.currentShedPerSecond).toBeGreaterThan(0);
  });

  it('merges a report without per-second counts (an older worker)', () => {
    const w = new LlmStats();
    w.record(finished(10));
    const data = w.serialize();
    const { perSecond: _, ...old } = data.total;
    const master = new LlmStats();
    master.merge({ entries: [], total: old as typeof data.total });
    expect(master.total.requests).toBe(1);
    expect(master.total.serialize().perSecond).toEqual([]);
  });
});
