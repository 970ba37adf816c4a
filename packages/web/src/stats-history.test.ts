import { Environment, Events, User, constant, task } from '@locusta/core';
import { LocalRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats, resetStatsSettings, statsSettings } from '@locusta/stats';
import { describe, expect, it, onTestFinished } from 'vitest';
import { adaptRunner } from './runner-adapter.ts';
import { percentileLabel } from './browser/live-charts.ts';
import { StatsHistory } from './stats-history.ts';

class Idle extends User {
  waitTime = constant(10);
  @task t(): void {}
}

function runner() {
  const r = new LocalRunner(new Environment({ events: new Events(), userClasses: [Idle as never] }), new RequestStats(), new ExceptionStats());
  onTestFinished(() => r.quit());
  return r;
}

describe('StatsHistory', () => {
  it('samples while a test runs and once after it, and starts over with the next test', async () => {
    const local = runner();
    let now = 1_800_000_000;
    const history = new StatsHistory(adaptRunner(local), { clock: () => now++ });
    history.tick();
    expect(history.rows()).toEqual([]);
    await local.start(2, 100);
    const firstRun = history.run;
    history.tick();
    history.tick();
    expect(history.run).toBe(firstRun + 1);
    expect(history.rows().map((r) => r.user_count[1])).toEqual([2, 2]);
    expect(history.rows()[0]!.time).toBe('2027-01-15T08:00:00Z');
    await local.stop();
    history.tick();
    history.tick();
    expect(history.rows()).toHaveLength(3);
    await local.start(1, 100);
    history.tick();
    expect(history.rows().map((r) => r.user_count[1])).toEqual([1]);
  });

  it('thins to every other row past maxRows, keeping the latest, and reads incrementally', async () => {
    const local = runner();
    await local.start(1, 100);
    const history = new StatsHistory(adaptRunner(local), { maxRows: 4, clock: () => 0 });
    for (let i = 0; i < 5; i++) history.sample();
    expect(history.rows()).toHaveLength(3);
    const all = history.read();
    expect(all).toMatchObject({ full: true, next: 5 });
    history.sample();
    const page = history.read(all.run, all.next);
    expect(page).toMatchObject({ full: false, next: 6 });
    expect(page.history).toHaveLength(1);
    expect(history.read(all.run + 1, 0).full).toBe(true);
  });

  it('charts the percentiles PERCENTILES_TO_CHART names, keyed as Locust keys them, before the other fields', async () => {
    onTestFinished(() => resetStatsSettings());
    statsSettings.PERCENTILES_TO_CHART = [0.5, 0.9, 0.999];
    const local = runner();
    const history = new StatsHistory(adaptRunner(local), { clock: () => 1_800_000_000 });
    await local.start(1, 100);
    history.tick();
    const row = history.rows()[0]!;
    expect(Object.keys(row)).toEqual([
      'response_time_percentile_0.5', 'response_time_percentile_0.9', 'response_time_percentile_0.999',
      'current_rps', 'current_fail_per_sec', 'total_avg_response_time', 'user_count', 'time',
    ]);
    expect(row['response_time_percentile_0.999']).toEqual(['2027-01-15T08:00:00Z', 0]);
  });

  it('names the chart lines as Locust does', () => {
    expect([0.5, 0.95, 0.99, 0.999, 0.01, 0.02, 0.03, 0.11, 0.12, 0.13, 0.21, 1].map(percentileLabel)).toEqual([
      '50th percentile', '95th percentile', '99th percentile', '99.9th percentile', '1st percentile', '2nd percentile', '3rd percentile',
      '11th percentile', '12th percentile', '13th percentile', '21st percentile', '100th percentile',
    ]);
  });
});
