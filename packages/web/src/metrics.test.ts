import { User, constant, task } from '@locusta/core';
import { waitUntil } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { ApiUser, postSwarm, startFixture } from '../test-support/web-fixture.ts';
import { RESPONSE_TIME_BUCKETS, escapeLabelValue } from './metrics.ts';

const ODD_NAME = 'a "quoted" \\path\nwith a newline';

class OddUser extends User {
  waitTime = constant(0.05);
  @task t(): void {
    this.environment.events.request.fire({ requestType: 'GET', name: ODD_NAME, responseTime: 2000, responseLength: 0 });
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the exposition format: comments checked, label values unescaped. */
function parse(text: string): { samples: Sample[]; types: Map<string, string>; helps: Set<string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') types.set(comment[2]!, comment[3]!);
      else helps.add(comment[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = m![3] === '+Inf' ? Infinity : Number(m![3]);
    expect(Number.isNaN(value), line).toBe(false);
    samples.push({ name: m![1]!, labels, value });
  }
  return { samples, types, helps };
}

describe('/metrics (Prometheus text exposition)', () => {
  it('exposes counters, a response time histogram from the HdrHistogram, and gauges', async () => {
    const f = await startFixture({ classes: [ApiUser as never, OddUser as never] });
    await postSwarm(f.url, { user_count: '4', spawn_rate: '100' });
    await waitUntil(() => f.runner.state === 'running' && f.runner.stats.total.numRequests > 30);
    await f.runner.stop();
    const res = await fetch(`${f.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, types, helps } = parse(await res.text());
    expect(Object.fromEntries(types)).toEqual({
      locusta_requests_total: 'counter',
      locusta_failures_total: 'counter',
      locusta_response_time_seconds: 'histogram',
      locusta_users: 'gauge',
      locusta_workers: 'gauge',
      locusta_current_rps: 'gauge',
      locusta_current_fail_per_sec: 'gauge',
    });
    expect([...helps].sort()).toEqual([...types.keys()].sort());
    const stats = f.runner.stats;
    const find = (name: string, labels: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    for (const e of stats.entries()) {
      const key = { method: e.method, name: e.name };
      expect(find('locusta_requests_total', key).map((s) => s.value)).toEqual([e.numRequests]);
      expect(find('locusta_failures_total', key).map((s) => s.value)).toEqual([e.numFailures]);
      const buckets = find('locusta_response_time_seconds_bucket', key);
      expect(buckets.map((s) => s.labels['le'])).toEqual([...RESPONSE_TIME_BUCKETS.map(String), '+Inf']);
      const counts = buckets.map((s) => s.value);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.at(-1)).toBe(e.numRequests);
      expect(find('locusta_response_time_seconds_count', key).map((s) => s.value)).toEqual([e.numRequests]);
      expect(find('locusta_response_time_seconds_sum', key)[0]!.value).toBeCloseTo(e.totalResponseTime / 1000, 9);
    }
    const le = (name: string, bound: string) => find('locusta_response_time_seconds_bucket', { name, le: bound })[0]!.value;
    const items = stats.get('/items', 'POST')!.numRequests;
    expect(le('/items', '0.025')).toBe(0);
    expect(le('/items', '0.05')).toBe(items); // exactly 50 ms counts as le="0.05"
    const hello = stats.get('/hello', 'GET')!;
    expect(le('/hello', '0.01')).toBeGreaterThan(0);
    expect(le('/hello', '0.025')).toBeLessThan(hello.numRequests);
    expect(le('/hello', '0.05')).toBe(hello.numRequests);
    // The odd name round-trips through the label escaping; 2 s is above 1 and within 2.5.
    const odd = stats.get(ODD_NAME, 'GET')!.numRequests;
    expect(odd).toBeGreaterThan(0);
    expect(le(ODD_NAME, '1')).toBe(0);
    expect(le(ODD_NAME, '2.5')).toBe(odd);
    expect(find('locusta_users', {})[0]!.value).toBe(0);
    expect(find('locusta_workers', {})[0]!.value).toBe(0);
    expect(find('locusta_current_rps', {})[0]!.value).toBe(stats.total.currentRps);
  });

  it('escapes label values as the format requires', () => {
    expect(escapeLabelValue(ODD_NAME)).toBe('a \\"quoted\\" \\\\path\\nwith a newline');
  });
});
