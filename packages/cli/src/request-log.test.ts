import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, testEnvironment } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { RequestLog, requestLine } from './request-log.ts';
import { RequestLogWriter } from './request-log-writer.ts';

const lineOf = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(20) });

describe('RequestLogWriter', () => {
  it('writes every line it accepted, in order, and closes', async () => {
    const file = join(tempDir(), 'log.jsonl');
    const writer = new RequestLogWriter(file);
    for (let i = 0; i < 1000; i++) writer.push(lineOf(i));
    expect(await writer.close()).toEqual({ lines: 1000, dropped: 0, error: undefined });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(1000).keys()]);
  });

  it('writes what is queued synchronously on an exit at once (a second Ctrl-C)', () => {
    const file = join(tempDir(), 'log.jsonl');
    const writer = new RequestLogWriter(file);
    for (let i = 0; i < 50; i++) writer.push(lineOf(i));
    expect(writer.closeSync()).toEqual({ lines: 50, dropped: 0, error: undefined });
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(50).keys()]);
  });

  it('drops what is past its bound, counts it and says so on the last line', async () => {
    const file = join(tempDir(), 'log.jsonl');
    const writer = new RequestLogWriter(file, { maxQueuedChars: 10 * (lineOf(0).length + 1) });
    // Pushed in one go: the first batch waits for the timer, so the queue fills.
    for (let i = 0; i < 25; i++) writer.push(lineOf(i));
    writer.addDropped(3);
    const totals = await writer.close();
    expect(totals.lines).toBe(10);
    expect(totals.dropped).toBe(18);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toMatchObject({ dropped: 18 });
    // Lines that come after the close are counted, not lost silently.
    writer.push(lineOf(99));
    expect(writer.dropped).toBe(19);
  });
});

describe('RequestLog', () => {
  it("refuses a worker's part that is not lines of JSON objects and a count", () => {
    const log = new RequestLog(testEnvironment(), undefined);
    expect(log.checkReport({ lines: ['{"a":1}'], dropped: 0 })).toBeUndefined();
    expect(log.checkReport(null)).toBe('not an object');
    expect(log.checkReport({ lines: [], dropped: -1 })).toBe('dropped: not a count');
    expect(log.checkReport({ lines: 'x', dropped: 0 })).toBe('lines: not an array');
    expect(log.checkReport({ lines: ['{"a":1}\n{"b":2}'], dropped: 0 })).toBe('lines[0]: not a JSON line');
    expect(log.checkReport({ lines: [7], dropped: 0 })).toBe('lines[0]: not a JSON line');
  });

  it('gathers lines on a worker only while a test runs with the option, and hands them over once', () => {
    const env = testEnvironment();
    const log = new RequestLog(env, undefined);
    const fire = () => env.events.request.fire({ requestType: 'GET', name: '/a', responseTime: 1, responseLength: 2 });
    env.events.testStart.fire({ environment: env });
    expect(env.events.request.listenerCount).toBe(0);
    env.parsedOptions = { requestsLog: 'x.jsonl' };
    env.events.testStart.fire({ environment: env });
    fire();
    fire();
    env.events.testStop.fire({ environment: env });
    fire();
    expect(env.events.request.listenerCount).toBe(0);
    const part = log.takeReport()!;
    expect(part.lines).toHaveLength(2);
    expect(part.dropped).toBe(0);
    expect(log.takeReport()).toBeUndefined();
  });

  it('writes a custom request without a response with status null and its error text', () => {
    const line = JSON.parse(
      requestLine({ requestType: 'tcp', name: 'send', responseTime: 5, responseLength: 0, exception: new Error('reset'), startTime: 1000.5 }, 'h:1'),
    ) as Record<string, unknown>;
    expect(line).toEqual({ start_ms: 1000500, type: 'tcp', name: 'send', status: null, success: false, error: 'reset', response_time_ms: 5, response_length: 0, worker: 'h:1' });
  });
});

describe('RequestLog with a measurement window', () => {
  it('leaves out the requests the window leaves out of the statistics', () => {
    const env = testEnvironment({ parsedOptions: { requestsLog: 'x.jsonl' } });
    // The environment's window: a 10 s warm-up from a test started at 90 s leaves out what starts before 100 s.
    env.measurement.configure({ warmup: 10 });
    env.measurement.start(90);
    const log = new RequestLog(env, undefined);
    env.events.testStart.fire({ environment: env });
    env.events.request.fire({ requestType: 'GET', name: '/warm', responseTime: 1, responseLength: 0, startTime: 99 });
    env.events.request.fire({ requestType: 'GET', name: '/measured', responseTime: 1, responseLength: 0, startTime: 101 });
    expect(log.takeReport()!.lines.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['/measured']);
  });
});
