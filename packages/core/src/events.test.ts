import { describe, expect, it } from 'vitest';
import { EventHook } from './event-hook.ts';
import { Events, events } from './events.ts';

/** Every hook of an Events object, by property name. */
function hooks(e: Events): Array<[string, EventHook<never>]> {
  return Object.entries(e).filter((entry): entry is [string, EventHook<never>] => entry[1] instanceof EventHook);
}

describe('Events', () => {
  it("has Locust's events, camelCased, each hook named after its property", () => {
    const names = hooks(new Events()).map(([key, hook]) => {
      expect(hook.name, key).toBe(key);
      return key;
    });
    for (const name of ['init', 'initCommandLineParser', 'testStart', 'testStopping', 'testStop', 'request', 'userError', 'spawningComplete', 'quitting', 'quit', 'usageMonitor', 'cpuWarning', 'resetStats', 'reportToMaster', 'workerReport', 'workerConnect', 'heartbeatSent', 'heartbeatReceived']) {
      expect(names).toContain(name);
    }
  });

  it('gives each Events object hooks of its own', () => {
    const a = new Events();
    const b = new Events();
    const seen: string[] = [];
    a.request.addListener((r) => seen.push(r.name));
    b.request.fire({ requestType: 'GET', name: '/b', responseTime: 1, responseLength: 0 });
    a.request.fire({ requestType: 'GET', name: '/a', responseTime: 1, responseLength: 0 });
    expect(seen).toEqual(['/a']);
  });

  it('shares the process-wide events between copies of this module', async () => {
    // A user file bundled with its own copy of the package must add listeners to the same events.
    // The query makes the module loader evaluate the file again.
    const specifier = './events.ts?second-copy';
    const copy = (await import(specifier)) as typeof import('./events.ts');
    expect(copy.Events).not.toBe(Events);
    expect(copy.events).toBe(events);
  });
});
