import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { topSelfTime } from '../bench/lib/profile.mjs';

/** A .cpuprofile whose only sampled function is `name`, for `ms` milliseconds. */
function profile(name: string, ms: number): string {
  const frame = (functionName: string) => ({ functionName, scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 });
  return JSON.stringify({
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame(name) },
    ],
    startTime: 0,
    endTime: ms * 1000,
    samples: [2],
    timeDeltas: [ms * 1000],
  });
}

describe('bench profile summary', () => {
  it("summarises the main thread's profile, not a worker thread's that sorts after it", () => {
    const dir = tempDir('cpu-prof');
    // node --cpu-prof names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
    writeFileSync(join(dir, 'CPU.20261207.053250.14897.0.001.cpuprofile'), profile('mainWork', 90));
    writeFileSync(join(dir, 'CPU.20261207.053250.14897.1.002.cpuprofile'), profile('(idle)', 100));
    const summary = topSelfTime(dir, dir) as { file: string; totalMs: number; top: Array<{ name: string }> };
    expect(summary.file).toBe(join(dir, 'CPU.20261207.053250.14897.0.001.cpuprofile'));
    expect(summary.totalMs).toBe(90);
    expect(summary.top.map((t) => t.name)).toEqual(['mainWork']);
  });
});
