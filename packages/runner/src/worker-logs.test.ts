import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINE, WorkerLogs } from './worker-logs.ts';

describe('WorkerLogs', () => {
  it('gives the lines when new ones came, and nothing otherwise', () => {
    const logs = new WorkerLogs();
    expect(logs.take()).toBeUndefined();
    logs.push('a');
    logs.push('b');
    expect(logs.take()).toEqual(['a', 'b']);
    expect(logs.take()).toBeUndefined();
    logs.push('c');
    expect(logs.take()).toEqual(['a', 'b', 'c']);
  });

  it('keeps the last 500 lines, each cut to the longest a frame takes', () => {
    const logs = new WorkerLogs();
    for (let i = 0; i < 60; i++) logs.push(String(i));
    logs.take();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 60; i++) logs.push(`r${round}-${i}`);
      logs.take();
    }
    logs.push('x'.repeat(MAX_LOG_LINE + 10));
    const lines = logs.take()!;
    expect(lines).toHaveLength(500);
    expect(lines.at(-1)).toHaveLength(MAX_LOG_LINE);
  });

  it('after more than 70 new lines in one interval sends once more, says so once, then stops', () => {
    const logs = new WorkerLogs();
    let warnings = 0;
    logs.onDisabled = () => warnings++;
    for (let i = 0; i < 71; i++) logs.push(`l${i}`);
    expect(logs.take()).toHaveLength(71);
    expect(warnings).toBe(1);
    logs.push('later');
    expect(logs.take()).toBeUndefined();
    expect(warnings).toBe(1);
  });
});
