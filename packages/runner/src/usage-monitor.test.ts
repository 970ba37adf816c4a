import { Environment, Events } from '@locusta/core';
import { RequestStats } from '@locusta/stats';
import { describe, expect, it } from 'vitest';
import { UsageMonitor } from './usage-monitor.ts';

describe('UsageMonitor', () => {
  /**
   * Blocks the event loop for 300 ms between two samples (the load generator's own delay the
   * monitor must notice); returns the lag warnings, the memory samples and the monitor.
   */
  async function blockBetweenSamples(stats?: RequestStats) {
    const warnings: string[] = [];
    const events = new Events();
    const env = new Environment({ events, logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} } });
    env.stats = stats;
    const samples: number[] = [];
    events.usageMonitor.addListener(({ memoryUsage }) => samples.push(memoryUsage));
    const monitor = new UsageMonitor(env, { intervalMs: 60_000 });
    monitor.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // the blocking work
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.sample();
    monitor.sample();
    monitor.stop();
    return { lagWarnings: warnings.filter((w) => w.startsWith('Event loop lag reached')), samples, monitor };
  }

  async function lagWarnings(stats: RequestStats | undefined): Promise<string[]> {
    return (await blockBetweenSamples(stats)).lagWarnings;
  }

  it('fires usageMonitor and warns once when the event loop was blocked for over 100 ms', async () => {
    const { lagWarnings: warnings, samples, monitor } = await blockBetweenSamples();
    expect(samples).toHaveLength(2);
    expect(samples[0]).toBeGreaterThan(0);
    expect(monitor.maxLoopLagMs).toBeGreaterThan(100);
    expect(warnings).toHaveLength(1);
  });

  it('names too many distinct request names as the likely cause of the lag', async () => {
    const stats = new RequestStats();
    for (let i = 0; i < 1500; i++) stats.logRequest('GET', `/item/${i}`, 1, 0);
    const [warning] = await lagWarnings(stats);
    expect(warning).toMatch(/likely cause: 1500 distinct request names/);
    expect(warning).toContain('name=');
    expect(warning).not.toContain('--processes');
  });

  it('with few names, points at users per process (--processes) or blocking code, not at names', async () => {
    const stats = new RequestStats();
    stats.logRequest('GET', '/', 1, 0);
    const [warning] = await lagWarnings(stats);
    expect(warning).toMatch(/--processes|blocking/);
    expect(warning).not.toContain('name=');
    expect(warning).not.toContain('Run fewer users per process or more workers');
  });
});
