import { describe, expect, it } from 'vitest';
import { RequestStats } from './request-stats.ts';
import { parseSlos } from './slo.ts';
import { StatsWindow } from './stats-window.ts';
import { STEPS_CSV_HEADER, formatSaturation, formatStepsTable, stepResult, stepsCsv } from './steps-report.ts';
import type { StepResult } from './steps-report.ts';

const T = 1_700_000_000;

function step(n: number, users: number, p99: number, failed: string[] = []): StepResult {
  return {
    step: n, users, start: T + (n - 1) * 60, end: T + n * 60, requests: users * 600, failures: n - 1, rps: users * 10,
    p50: 12.4, p95: p99 / 2, p99, failRatio: (n - 1) / (users * 600), pass: failed.length === 0, failed,
  };
}

const STEPS = [step(1, 10, 120.6), step(2, 20, 480), step(3, 30, 900), step(4, 40, 1500, ['p99<1000', 'fail_ratio<0.0001'])];

describe('formatStepsTable', () => {
  it('prints one aligned row per step, failed SLOs beside FAIL', () => {
    expect(formatStepsTable(STEPS)).toBe(
      [
        '   Step   Users   Req/s     p50     p95     p99  Fail ratio Result',
        '-------|-------|-------|-------|-------|-------|-----------|------',
        '      1      10  100.00      12      60     121       0.00% PASS',
        '      2      20  200.00      12     240     480       0.01% PASS',
        '      3      30  300.00      12     450     900       0.01% PASS',
        '      4      40  400.00      12     750    1500       0.01% FAIL (p99<1000, fail_ratio<0.0001)',
        '',
        '',
      ].join('\n'),
    );
  });
});

describe('formatStepsTable with the client limited', () => {
  it('marks the steps during which the load generator was its own bottleneck', () => {
    const lines = formatStepsTable(STEPS, [false, false, true, true]).split('\n');
    expect(lines[2]).toMatch(/PASS$/);
    expect(lines[4]).toMatch(/PASS \[client-limited\]$/);
    expect(lines[5]).toMatch(/FAIL \(p99<1000, fail_ratio<0.0001\) \[client-limited\]$/);
  });
});

describe('stepsCsv', () => {
  it('writes the header and a row per step with the csv helper (\\r\\n, minimal quoting)', () => {
    const csv = stepsCsv([STEPS[0] as StepResult, step(2, 20, 2000, ['GET /a,b:p99<1000', 'p95<500'])]);
    expect(csv.split('\r\n')).toEqual([
      STEPS_CSV_HEADER.join(','),
      '1,10,2023-11-14T22:13:20Z,2023-11-14T22:14:20Z,6000,0,100.0,12,60,121,0.0,PASS,',
      '2,20,2023-11-14T22:14:20Z,2023-11-14T22:15:20Z,12000,1,200.0,12,1000,2000,8.333333333333333e-05,FAIL,"GET /a,b:p99<1000; p95<500"',
      '',
    ]);
    expect(STEPS_CSV_HEADER.join(',')).toBe(
      'Step,User Count,Start Time,End Time,Requests,Failures,Requests/s,50%,95%,99%,Failure Ratio,Result,Failed SLOs',
    );
    expect(stepsCsv([])).toBe(`${STEPS_CSV_HEADER.join(',')}\r\n`);
  });
});

describe('formatSaturation', () => {
  it('names the first step that failed the SLO and the step before it', () => {
    expect(formatSaturation(STEPS, 'p99 < 1000')).toBe('Saturation: p99<1000 first failed at 40 users (last passing step: 30 users)');
    expect(formatSaturation(STEPS, 'fail_ratio<0.01%')).toBe(
      'Saturation: fail_ratio<0.0001 first failed at 40 users (last passing step: 30 users)',
    );
  });

  it('says when the SLO never failed, or failed from the first step', () => {
    expect(formatSaturation(STEPS.slice(0, 3), 'p99<1000')).toBe('Saturation: p99<1000 never failed up to 30 users');
    expect(formatSaturation(STEPS, 'p95<10')).toBe('Saturation: p95<10 never failed up to 40 users');
    expect(formatSaturation([step(1, 5, 10, ['p99<1'])], 'p99<1')).toBe('Saturation: p99<1 first failed at 5 users (no step passed)');
    expect(formatSaturation([], 'p99<1')).toBe('Saturation: p99<1 no steps were run');
  });

  it('without an SLO, goes by each step\'s result', () => {
    expect(formatSaturation(STEPS)).toBe('Saturation: first failing step at 40 users (last passing step: 30 users)');
    expect(formatSaturation(STEPS.slice(0, 2))).toBe('Saturation: never failed up to 20 users');
  });
});

describe('stepResult', () => {
  it('judges each step on its own window', () => {
    let now = T;
    const stats = new RequestStats({ clock: () => now });
    const window = new StatsWindow(stats);
    const slos = parseSlos('p99 < 1000; fail_ratio<1%');
    const steps: StepResult[] = [];
    for (const [users, rt] of [[10, 100], [20, 400], [30, 1500]] as const) {
      for (let i = 0; i < users * 10; i++) stats.logRequest('GET', '/a', rt, 0);
      now += 10;
      steps.push(stepResult(steps.length + 1, users, window.next(), slos));
    }
    // Percentiles are exact to the histogram's 3 digits; tables print them rounded.
    expect(steps.map((s) => [s.step, s.users, s.requests, s.rps, Math.round(s.p50), Math.round(s.p99), s.pass, s.failed])).toEqual([
      [1, 10, 100, 10, 100, 100, true, []],
      [2, 20, 200, 20, 400, 400, true, []],
      [3, 30, 300, 30, 1500, 1500, false, ['p99<1000']],
    ]);
    expect(steps[2]).toMatchObject({ start: T + 20, end: T + 30, failures: 0, failRatio: 0 });
    expect(formatSaturation(steps, 'p99<1000')).toBe('Saturation: p99<1000 first failed at 30 users (last passing step: 20 users)');
  });

  it('fails a step that made no request instead of passing it on no data', () => {
    let now = T;
    const stats = new RequestStats({ clock: () => now });
    const window = new StatsWindow(stats);
    now += 10;
    const result = stepResult(1, 10, window.next(), parseSlos('p99<1000'));
    expect([result.requests, result.pass, result.failed]).toEqual([0, false, ['no requests']]);
    expect(formatSaturation([result], 'p99<1000')).toBe('Saturation: p99<1000 not found: step 1 (10 users) made no requests');
  });
});
