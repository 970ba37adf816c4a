import { describe, expect, it } from 'vitest';
import { Environment } from './environment.ts';
import { LocustaError } from './errors.ts';
import { Events } from './events.ts';
import type { OutputExtension } from './output-extension.ts';
import { addOutput, attachOutputs, makeOutputs, outputsOf, registerOutput } from './outputs.ts';

const env = () => new Environment({ events: new Events() });

/** A family counting one number: what a worker sends, a master adds up. */
class Counter implements OutputExtension {
  count = 0;
  constructor(readonly name: string) {}
  takeReport(): unknown {
    if (this.count === 0) return undefined;
    const part = this.count;
    this.count = 0;
    return part;
  }
  checkReport(value: unknown): string | undefined {
    return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'expected a count';
  }
  merge(value: unknown): void {
    this.count += value as number;
  }
  reset(): void {
    this.count = 0;
  }
}

describe('output extensions', () => {
  it('gives each environment its own instance of a registered family, in every list', () => {
    const handle = registerOutput(() => new Counter('core-test-registered'));
    const a = env();
    const b = env();
    expect(handle.of(a)).toBe(handle.of(a));
    expect(handle.of(a)).not.toBe(handle.of(b));
    makeOutputs(a);
    expect(outputsOf(a).filter((e) => e.name === 'core-test-registered')).toEqual([handle.of(a)]);
  });

  it('on a worker, adds the part since the last report under its name, and nothing when empty', () => {
    const w = env();
    const c = new Counter('core-test-w');
    addOutput(w, c);
    attachOutputs(w, 'worker');
    c.count = 3;
    const data: Record<string, unknown> = {};
    w.events.reportToMaster.fire({ clientId: 'w', data });
    expect(data['core-test-w']).toBe(3);
    expect(c.count).toBe(0);
    const empty: Record<string, unknown> = {};
    w.events.reportToMaster.fire({ clientId: 'w', data: empty });
    expect(Object.hasOwn(empty, 'core-test-w')).toBe(false);
  });

  it('on a master, registers its check with the runner and merges the part of each worker report', () => {
    const m = env();
    const checks = new Map<string, (value: unknown) => string | undefined>();
    m.runner = { registerReportCheck: (key: string, check: (value: unknown) => string | undefined) => void checks.set(key, check) } as never;
    const c = new Counter('core-test-m');
    attachOutputs(m, 'master');
    // Added after the attach: wired at once.
    addOutput(m, c);
    expect(checks.get('core-test-m')?.(-1)).toBe('expected a count');
    expect(checks.get('core-test-m')?.(2)).toBeUndefined();
    m.events.workerReport.fire({ clientId: 'a', data: { custom: { 'core-test-m': 2 } } });
    m.events.workerReport.fire({ clientId: 'b', data: { custom: {} } });
    m.events.workerReport.fire({ clientId: 'c', data: { 'core-test-m': 5 } });
    expect(c.count).toBe(7);
  });

  it('zeroes a family when a test starts and on resetStats, in every role', async () => {
    const e = env();
    const c = new Counter('core-test-reset');
    addOutput(e, c);
    attachOutputs(e, 'local');
    c.count = 4;
    e.events.resetStats.fire();
    expect(c.count).toBe(0);
    c.count = 4;
    await e.events.testStart.fireAsync({ environment: e });
    expect(c.count).toBe(0);
  });

  it('refuses a second family of the same name, and a factory that throws, as user-file errors', () => {
    const e = env();
    addOutput(e, new Counter('core-test-twice'));
    expect(() => addOutput(e, new Counter('core-test-twice'))).toThrowError(
      new LocustaError('LOCUSTA_ERR_USER_FILE', "two output extensions are named 'core-test-twice': each needs its own name"),
    );
    // Registered for the whole process: it fails for its own environment only.
    const victim = env();
    registerOutput((environment) => {
      if (environment === victim) throw new Error('boom');
      return new Counter('core-test-broken');
    });
    expect(() => makeOutputs(victim)).toThrowError(/an output family's factory \(registerOutput\) failed: Error: boom/);
  });
});
