import { Environment, Events } from '@locusta/core';
import { ExceptionStats, RequestStats, packBuckets } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import { EventRecorder } from './event-recorder.ts';
import { decodeWorkerMessage, encode } from './protocol.ts';

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
    for (const e of [...s.entries, s.total]) e.histogram = packBuckets(e.histogram);
    if (s.schedule) s.schedule.lag = packBuckets(s.schedule.lag);
    const frame = encode({ type: 'stats', data: { stats: s, exceptions: { exceptions: [] }, userCount: 0, userClassesCount: {}, custom: {} }, nodeId: 'w' });
    expect(() => decodeWorkerMessage(frame)).not.toThrow();
  });
});
