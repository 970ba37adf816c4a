import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@locusta/core';
import { renderHtmlReport } from '@locusta/report';
import type { ReportData, ReportEntry } from '@locusta/report';
import { tempDir } from '@locusta/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watched } from './browser.ts';
import { CHROMIUM, launchChromium, openOffline } from './browser.ts';
import { ROOT } from './helpers.ts';

// Opens a generated report in a real browser with the network cut off, and checks that every chart
// drew from the inlined uPlot and embedded data.

const ARTIFACTS = join(ROOT, 'test/artifacts');
const XSS_NAME = '/search?q=</script><img src=x onerror=alert(1)>';

/** Deterministic random numbers, so the report looks the same on every run. */
const random = seededRandom;

function logNormal(rand: () => number, medianMs: number, sigma: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out.push(medianMs * Math.exp(sigma * normal));
  }
  return out;
}

/** Sparse buckets of microseconds with three significant digits, like the stats' histograms. */
function bucketsOf(samples: readonly number[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const ms of samples) {
    const us = Math.max(1, Math.round(ms * 1000));
    const digits = Math.max(0, Math.floor(Math.log10(us)) - 2);
    const bound = (Math.ceil(us / 10 ** digits) * 10 ** digits) / 1000;
    counts.set(bound, (counts.get(bound) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]);
}

function percentilesOf(sorted: readonly number[]): Array<[number, number]> {
  return [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1].map((p) => [
    p,
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0),
  ]);
}

function entryOf(method: string, name: string, samples: number[], failures: number, seconds: number): ReportEntry {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    method,
    name,
    numRequests: sorted.length,
    numFailures: failures,
    avg: sorted.length > 0 ? sum / sorted.length : 0,
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? 0,
    median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    rps: sorted.length / seconds,
    failPerSec: failures / seconds,
    avgContentLength: 1234,
    percentiles: sorted.length > 0 ? percentilesOf(sorted) : [],
    histogram: bucketsOf(sorted),
  };
}

function entriesOf(requests: Array<{ method: string; name: string; samples: number[]; failures: number }>, seconds: number): ReportEntry[] {
  const all = requests.flatMap((r) => r.samples);
  const failures = requests.reduce((n, r) => n + r.failures, 0);
  return [...requests.map((r) => entryOf(r.method, r.name, r.samples, r.failures, seconds)), entryOf('', 'Aggregated', all, failures, seconds)];
}

function sampleReport(): ReportData {
  const rand = random(42);
  const start = 1_714_560_000;
  const seconds = 60;
  const requests = [
    { method: 'GET', name: '/', samples: logNormal(rand, 40, 0.5, 3000), failures: 0 },
    { method: 'GET', name: '/api/items?id=[id]', samples: logNormal(rand, 120, 0.7, 2000), failures: 12 },
    { method: 'POST', name: '/login', samples: logNormal(rand, 300, 0.9, 500), failures: 25 },
    { method: 'GET', name: XSS_NAME, samples: logNormal(rand, 15, 0.4, 100), failures: 0 },
  ];
  const corrected = requests.map((r) => ({ ...r, samples: r.samples.map((ms) => ms + (rand() < 0.05 ? rand() * 2000 : 0)) }));
  const history = Array.from({ length: seconds }, (_, i) => {
    const users = Math.min(50, Math.round((i * 50) / 20));
    const rps = users === 0 ? 0 : users * 1.9 * (0.9 + rand() * 0.2);
    const p50 = users === 0 ? null : 60 + rand() * 20 + users;
    return {
      time: start + i,
      users,
      rps,
      failPerSec: rps * 0.006 * rand(),
      p50,
      p95: p50 == null ? null : p50 * 3.2,
      p99: p50 == null ? null : p50 * 6 + rand() * 300,
    };
  });
  const lagSamples = logNormal(rand, 2, 1.4, 5600);
  const lagSorted = [...lagSamples].sort((a, b) => a - b);
  return {
    host: 'https://shop.example.test',
    userFiles: ['locustfile.ts'],
    command: 'locusta -f locustfile.ts --headless -u 50 -r 2.5 -t 60s --html report.html',
    startTime: start,
    endTime: start + seconds,
    history,
    entries: entriesOf(requests, seconds),
    failures: [
      { method: 'POST', name: '/login', error: 'HTTPError(\'401 Client Error: Unauthorized for url: /login\')', occurrences: 25 },
      { method: 'GET', name: '/api/items?id=[id]', error: 'ConnectionResetError(104, \'<b>Connection reset by peer</b>\')', occurrences: 12 },
    ],
    exceptions: [
      {
        count: 3,
        message: 'TypeError: Cannot read properties of undefined (reading \'id\')',
        traceback: 'TypeError: Cannot read properties of undefined (reading \'id\')\n    at ShopUser.checkout (locustfile.ts:42:17)\n    at <anonymous>',
        nodes: 'worker-1, worker-2',
      },
    ],
    slos: [
      { expression: 'p95 < 800ms', value: 612, pass: true },
      { expression: 'error_rate < 0.5%', value: 0.67, pass: false },
    ],
    steps: [
      { users: 10, rps: 19.2, p50: 45, p95: 130, p99: 260, failRatio: 0, pass: true },
      { users: 20, rps: 38.1, p50: 52, p95: 160, p99: 310, failRatio: 0.001, pass: true },
      { users: 30, rps: 56.4, p50: 70, p95: 240, p99: 520, failRatio: 0.003, pass: true },
      { users: 40, rps: 70.9, p50: 110, p95: 620, p99: 1400, failRatio: 0.012, pass: false },
    ],
    saturation: { users: 40, slo: 'error_rate < 0.5%' },
    // An output family's section with charts over time: a line and marks at some of its points.
    extraSections: [
      {
        id: 'client-health',
        title: 'Client health',
        html: '<p>The client was the limit for 10 s.</p>',
        charts: [
          {
            id: 'client-cpu',
            caption: 'Client CPU (% of a core); client-limited seconds marked',
            unit: '%',
            x: history.map((h) => h.time),
            series: [
              { label: 'CPU %', color: '#2f6fb3', values: history.map((_, i) => (i >= 30 && i < 40 ? 97 : 20 + i)) },
              { label: 'Client limited', color: '#d0342c', marks: true, values: history.map((_, i) => (i >= 30 && i < 40 ? 97 : null)) },
            ],
          },
        ],
      },
    ],
    corrected: {
      entries: entriesOf(corrected, seconds),
      lag: {
        percentiles: percentilesOf(lagSorted).filter(([p]) => p < 1),
        histogram: bucketsOf(lagSorted),
        max: lagSorted[lagSorted.length - 1] ?? 0,
        count: lagSorted.length,
      },
    },
  };
}

/** A page that records every request, console error and dialog, with the network cut off. */
async function openReport(browser: Browser, data: ReportData): Promise<Watched & { file: string }> {
  const file = join(tempDir('report'), 'report.html');
  writeFileSync(file, renderHtmlReport(data));
  const w = await openOffline(browser, file);
  await w.page.waitForFunction(() => (globalThis as { __reportReady?: boolean }).__reportReady === true, undefined, { timeout: 20_000 });
  return { ...w, file };
}

function expectQuiet(w: Watched): void {
  expect(w.blocked).toEqual([]);
  expect(w.requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.dialogs).toEqual([]);
}

describe.skipIf(!existsSync(CHROMIUM))(`the HTML report in a browser (needs ${CHROMIUM}; skipped when absent)`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart offline', async () => {
    const data = sampleReport();
    const w = await openReport(browser, data);
    const { page } = w;

    const charts = await page.$$eval('[data-chart]', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        let colored = 0;
        if (canvas && canvas.width > 0 && canvas.height > 0) {
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          // Axes and grid are grey; only the series are drawn in colour.
          for (let i = 0; i < pixels.length; i += 4) {
            const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
            if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) colored++;
          }
        }
        return {
          id: el.getAttribute('data-chart'),
          drawn: el.getAttribute('data-drawn'),
          label: el.getAttribute('aria-label'),
          width: canvas?.width ?? 0,
          height: canvas?.height ?? 0,
          colored,
        };
      }),
    );
    // 3 over time, histogram + spectrum for Aggregated and 4 requests, 2 for the start lag, 1 of a section.
    expect(charts).toHaveLength(3 + 5 * 2 + 2 + 1);
    expect(charts.map((c) => c.id)).toContain('extra-chart-client-cpu');
    for (const chart of charts) {
      expect(chart, `chart ${chart.id}`).toMatchObject({ drawn: 'true' });
      expect(chart.label, `chart ${chart.id}`).toBeTruthy();
      expect(chart.width, `chart ${chart.id}`).toBeGreaterThan(0);
      expect(chart.height, `chart ${chart.id}`).toBeGreaterThan(0);
      expect(chart.colored, `chart ${chart.id} has coloured pixels`).toBeGreaterThan(0);
    }
    expect(charts.map((c) => c.label)).toContain(`Response time histogram of GET ${XSS_NAME}`);

    // uPlot centres the last tick label on the plot's right edge: each chart leaves room for half
    // of a long one (6:04pm, 100, 99.999%), or the canvas edge cuts it.
    const room = await page.$$eval('[data-chart] .uplot', (els) => {
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
      return {
        half: ctx.measureText('99.999%').width / 2,
        margins: els.map((el) => el.querySelector('canvas')!.getBoundingClientRect().right - el.querySelector('.u-over')!.getBoundingClientRect().right),
      };
    });
    for (const m of room.margins) expect(m).toBeGreaterThanOrEqual(room.half);

    const statsText = await page.locator('#requests table').innerText();
    const percentilesText = await page.locator('#percentiles table').innerText();
    for (const entry of data.entries) {
      expect(statsText).toContain(entry.name);
      expect(percentilesText).toContain(entry.name);
    }
    expect(await page.locator('#failures').innerText()).toContain('<b>Connection reset by peer</b>');
    expect(await page.locator('#exceptions').innerText()).toContain('at <anonymous>');
    expect(await page.locator('#slos .verdict.fail').count()).toBe(1);
    expect(await page.locator('#steps').innerText()).toContain('first failed at 40 users');
    expect(await page.locator('img').count()).toBe(0);

    // The legends format values as the cursor moves; hover one chart of each kind.
    const hovered: Array<[string, RegExp]> = [
      ['history-rps', /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[\s\S]*\d \/s/],
      ['dist-histogram-0', /\d\u2013\d[\d.]* ms/],
      ['dist-spectrum-0', /\d%[\s\S]*\d ms/],
    ];
    for (const [id, shown] of hovered) {
      const over = page.locator(`[data-chart="${id}"] .u-over`);
      await over.scrollIntoViewIfNeeded();
      await over.hover();
      expect(await page.locator(`[data-chart="${id}"] .u-legend`).innerText(), id).toMatch(shown);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(w.file, join(ARTIFACTS, 'html-report.html'));
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    expectQuiet(w);
  });

  it('shows notes instead of charts when there is no data', async () => {
    const w = await openReport(browser, {
      host: 'http://localhost:1',
      userFiles: [],
      startTime: 1_714_560_000,
      endTime: 1_714_560_001,
      history: [],
      entries: [entryOf('GET', '/never', [], 0, 1), entryOf('', 'Aggregated', [], 0, 1)],
      failures: [],
      exceptions: [],
    });
    expect(await w.page.locator('[data-chart]').count()).toBe(0);
    expect(await w.page.locator('.no-data').count()).toBeGreaterThan(0);
    expect(await w.page.locator('#requests').innerText()).toContain('/never');
    expectQuiet(w);
  });

  it('draws a single second of history', async () => {
    const data = sampleReport();
    const w = await openReport(browser, { ...data, history: data.history.slice(30, 31), corrected: undefined });
    const drawn = await w.page.$$eval('[data-chart]', (els) => els.map((el) => el.getAttribute('data-drawn')));
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.every((d) => d === 'true')).toBe(true);
    expectQuiet(w);
  });
});
