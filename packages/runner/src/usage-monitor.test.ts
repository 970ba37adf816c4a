import { Environment, Events } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { UsageMonitor } from './usage-monitor.ts';

describe('UsageMonitor', () => {
  it('fires usageMonitor and warns once when the event loop was blocked for over 100 ms', async () => {
    const warnings: string[] = [];
    const events = new Events();
    const env = new Environment({ events, logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
    const samples: number[] = [];
    events.usageMonitor.addListener(({ memoryUsage }) => samples.push(memoryUsage));
    const monitor = new UsageMonitor(env, { intervalMs: 60_000 });
    monitor.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // block the event loop: the load generator's own delay the monitor must notice
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.sample();
    monitor.sample();
    monitor.stop();
    expect(samples).toHaveLength(2);
    expect(samples[0]).toBeGreaterThan(0);
    expect(monitor.maxLoopLagMs).toBeGreaterThan(100);
    expect(warnings.filter((w) => w.startsWith('Event loop lag reached'))).toHaveLength(1);
  });
});
