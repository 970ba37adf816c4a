import { Environment, Events } from '@locusta/core';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import { EventRecorder } from './event-recorder.ts';
import { decodeWorkerMessage, encode } from './protocol.ts';
import { StatsWireDecoder, StatsWireEncoder } from './stats-wire.ts';

describe('request events fired by user code', () => {
  it('with odd times, lengths and names still make a report the master accepts', () => {
    const env = new Environment({ events: new Events(), userClasses: [], nodeId: 'w' });
    const stats = new RequestStats();
    const recorder = new EventRecorder(env, stats, new ExceptionStats());
    recorder.attach();
    const fire = (responseTime: unknown, responseLength: unknown, name: unknown = '/x') =>
      env.events.request.fire({ requestType: 'GET', name, responseTime, responseLength } as never);
    fire(Number.NaN, 10);
    fire(-5, -1);
    fire(Infinity, Number.NaN);
    fire(12.5, 100, 42);
    fire(null, 0);
    env.events.scheduleLag.fire({ lag: Infinity } as never);
    const s = stats.serialize();
    expect(s.total.numRequests).toBe(5);
    // NaN, Infinity: no time; negative: 0 ms.
    expect(s.total.numNoneRequests).toBe(3);
    expect(s.total.minResponseTime).toBe(0);
    expect(s.entries.map((e) => e.name).sort()).toEqual(['/x', '42']);
    const frame = encode({ type: 'stats', data: { stats: new StatsWireEncoder().encode(s), exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {} }, nodeId: 'w' });
    expect(() => decodeWorkerMessage(frame, new StatsWireDecoder())).not.toThrow();
  });
});

describe('the measurement window', () => {
  it('leaves out requests by their start time, failures and scheduled ones included, and counts them', () => {
    const env = new Environment({ events: new Events(), userClasses: [], nodeId: 'local' });
    const stats = new RequestStats();
    const recorder = new EventRecorder(env, stats, new ExceptionStats());
    recorder.attach();
    const now = Date.now() / 1000;
    env.measurement.configure({ warmup: 60 });
    env.measurement.start(now - 30); // 30 s into a 60 s warm-up
    const fire = (startTime: number | undefined, exception?: string) =>
      env.events.request.fire({ requestType: 'GET', name: '/w', responseTime: 1000, responseLength: 1, startTime, exception, scheduleLag: 5 });
    fire(now - 29, 'boom'); // started in the warm-up, recorded now: out
    fire(now + 31); // started after it: in
    fire(undefined); // no start time: taken as one response time ago, in the warm-up
    expect(stats.total.numRequests).toBe(1);
    expect(stats.total.numFailures).toBe(0);
    expect(stats.serialize().errors).toEqual([]);
    expect(stats.corrected?.total.numRequests).toBe(1);
    expect(env.measurement.excluded).toEqual({ warmup: 2, cooldown: 0, reset: 0 });
  });

  it('after a reset, a request that started before it and ends after it is not recorded', () => {
    const env = new Environment({ events: new Events(), userClasses: [], nodeId: 'local' });
    const stats = new RequestStats();
    new EventRecorder(env, stats, new ExceptionStats()).attach();
    const now = Date.now() / 1000;
    env.measurement.start(now - 10);
    env.measurement.resetAt(now);
    env.events.request.fire({ requestType: 'GET', name: '/r', responseTime: 5000, responseLength: 1, startTime: now - 5 });
    env.events.request.fire({ requestType: 'GET', name: '/r', responseTime: 1, responseLength: 1, startTime: now + 0.001 });
    expect(stats.total.numRequests).toBe(1);
    expect(env.measurement.excluded.reset).toBe(1);
  });
});
