import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { User, constant, task } from '@locusta/core';
import type { Browser } from 'playwright-core';
import { STATS_CSV_HEADER, resetStatsSettings, statsSettings } from '@locusta/stats';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ApiUser, HOSTILE, HostileUser, startFixture } from '../packages/web/test-support/web-fixture.ts';
import { CHROMIUM, countColour, launchChromium } from './browser.ts';
import { ROOT } from './helpers.ts';

// Callbacks given to page.evaluate run in the browser. The repository compiles without the DOM
// library, so the browser globals they use are declared here, loosely.
declare const document: any;
declare const window: any;

const ARTIFACTS = join(ROOT, 'test/artifacts');

/** Pixels of a canvas close to a colour, counted in the page. */

/** 600 distinct names: more than the 500 rows the API sends. */
class ManyNamesUser extends User {
  waitTime = constant(0.05);
  @task t(): void {
    for (let i = 0; i < 600; i++) {
      const times = 1 + Math.floor(Math.random() * 3);
      for (let k = 0; k < times; k++) {
        this.environment.events.request.fire({ requestType: 'GET', name: `/item/${String(i).padStart(3, '0')}`, responseTime: 1 + (i % 40), responseLength: 10 });
      }
    }
  }
}

describe.skipIf(!existsSync(CHROMIUM))('web UI in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts a test from the form, shows live tables and charts, edits, stops and downloads the CSV', async () => {
    const f = await startFixture({
      classes: [ApiUser as never, HostileUser as never],
      server: {
        pollMs: 1000,
        userFile: 'locustfile.ts',
        htmlReport: () => '<!doctype html><title>report</title>',
        customOptions: [{ name: 'model', default: 'llama3.2', help: 'Model to ask for' }, { name: 'stream', type: 'boolean', default: false }],
        defaults: { users: 3, spawnRate: 2 },
      },
    });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${f.url}/`);

    // The start form, with the defaults and the user file's custom options.
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    expect(await page.inputValue('#start-users')).toBe('3');
    expect(await page.inputValue('#start-rate')).toBe('2');
    expect(await page.inputValue('#start-host')).toBe('http://127.0.0.1:1');
    expect(await page.inputValue('#custom-options input[name="model"]')).toBe('llama3.2');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-start.png') });
    await page.fill('#start-users', '5');
    await page.fill('#start-rate', '50');
    await page.fill('#custom-options input[name="model"]', 'mistral');
    await page.check('#custom-options input[name="stream"]');
    await page.click('#start-button');
    await page.locator('#start-panel').waitFor({ state: 'hidden' });
    expect(f.env.parsedOptions).toMatchObject({ model: 'mistral', stream: true });

    // Live statistics: Locust's columns, entries sorted by name, Aggregated last.
    await page.waitForFunction(() => document.querySelectorAll('#stats-table tbody tr').length === 5);
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'RUNNING');
    expect(await page.locator('#m-users').textContent()).toBe('5');
    const headers = await page.locator('#stats-table thead th').allTextContents();
    expect(headers).toEqual(['Type', 'Name', '# Requests', '# Fails', 'Median (ms)', '95%ile (ms)', '99%ile (ms)', 'Average (ms)', 'Min (ms)', 'Max (ms)', 'Average size (bytes)', 'Current RPS', 'Current Failures/s']);
    const names = await page.locator('#stats-table tbody td:nth-child(2)').allTextContents();
    expect(names).toEqual(['/hello', '/items', '/missing', HOSTILE, 'Aggregated']);
    // The hostile name is text, not markup: nothing ran, no element was created.
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('#stats-table img, #stats-table script').count()).toBe(0);

    // Failures and exceptions tabs, same escaping.
    await page.click('.tabs button[data-tab="failures"]');
    await page.waitForFunction(() => document.querySelectorAll('#failures-table tbody tr').length === 2);
    expect(await page.locator('#failures-table tbody').textContent()).toContain(HOSTILE);
    await page.click('.tabs button[data-tab="exceptions"]');
    await page.waitForFunction(() => document.querySelector('#exceptions-table tbody td.num') !== null);
    expect(await page.locator('#exceptions-table tbody td pre').first().textContent()).toBe(HOSTILE);
    expect(await page.locator('#exceptions-table img, #exceptions-table script').count()).toBe(0);

    // Current ratio and logs.
    await page.click('.tabs button[data-tab="ratios"]');
    await page.waitForFunction(() => document.getElementById('ratios-total')!.textContent!.includes('hello'));
    expect(await page.locator('#ratios-per-class').textContent()).toMatch(/60%\s*hello/);
    f.logs.push(`[now] host/INFO/locusta.main: ${HOSTILE}`);
    await page.click('.tabs button[data-tab="logs"]');
    await page.waitForFunction(() => document.getElementById('logs-master')!.textContent!.includes('locusta.main'));
    expect(await page.locator('#logs-master').textContent()).toBe(`[now] host/INFO/locusta.main: ${HOSTILE}`);

    // Charts fill from the server's history: the RPS and users lines get drawn.
    await page.click('.tabs button[data-tab="charts"]');
    await page.waitForFunction(() => document.querySelectorAll('#tab-charts canvas').length === 3);
    await expect.poll(() => countColour(page, '#chart-rps canvas', [21, 128, 61]), { timeout: 15_000 }).toBeGreaterThan(50);
    await expect.poll(() => countColour(page, '#chart-users canvas', [37, 99, 235]), { timeout: 15_000 }).toBeGreaterThan(50);
    await expect.poll(() => countColour(page, '#chart-response-times canvas', [217, 119, 6]), { timeout: 15_000 }).toBeGreaterThan(20);
    // One line for each of PERCENTILES_TO_CHART (Locust's default here), named as Locust names them.
    expect(await page.locator('#chart-response-times .u-legend .u-label').allTextContents()).toEqual(['Time', '50th percentile', '95th percentile']);

    // Edit the running test: fewer users.
    await page.click('#btn-edit');
    await page.locator('#edit-panel').waitFor({ state: 'visible' });
    expect(await page.inputValue('#edit-users')).toBe('5');
    await page.fill('#edit-users', '2');
    await page.click('#edit-button');
    await page.locator('#edit-panel').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('m-users')!.textContent === '2');
    expect(f.runner.userCount).toBe(2);
    // A few more samples, so the charts show the change of users.
    const samples = f.server.history.rows().length;
    await expect.poll(() => f.server.history.rows().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(samples + 3);
    await page.click('.tabs button[data-tab="charts"]');
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-charts.png'), fullPage: true });

    await page.click('.tabs button[data-tab="stats"]');
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui.png'), fullPage: true });

    // Stop; the New test button appears.
    await page.click('#btn-stop');
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'STOPPED');
    expect(f.runner.state).toBe('stopped');
    await page.locator('#btn-new').waitFor({ state: 'visible' });

    // Download the statistics CSV through the link.
    await page.click('.tabs button[data-tab="download"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-requests')]);
    expect(download.suggestedFilename()).toMatch(/^Locusta_\d{4}-\d\d-\d\d-\d\dh\d\d_locustfile\.ts_http_127\.0\.0\.1_1_requests\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(STATS_CSV_HEADER.join(','));
    const hello = lines.find((l) => l.startsWith('GET,/hello,'))!.split(',');
    expect(Number(hello[2])).toBe(f.runner.stats.get('/hello', 'GET')!.numRequests);
    expect(lines.at(-2)).toMatch(/^,Aggregated,/);
    expect(await page.locator('#dl-report').getAttribute('href')).toBe('/stats/report?download=1');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('draws a response time line for each of PERCENTILES_TO_CHART a user file sets', async () => {
    onTestFinished(() => resetStatsSettings());
    statsSettings.PERCENTILES_TO_CHART = [0.5, 0.9, 0.99];
    const f = await startFixture({ classes: [ApiUser as never], server: { pollMs: 300 } });
    await f.runner.start(2, 100);
    const page = await browser.newPage();
    await page.goto(`${f.url}/#charts`);
    await expect
      .poll(() => page.locator('#chart-response-times .u-legend .u-label').allTextContents(), { timeout: 15_000 })
      .toEqual(['Time', '50th percentile', '90th percentile', '99th percentile']);
    expect(await page.locator('#chart-response-times .uplot').count()).toBe(1);
    await page.close();
  });

  it('renders 500 entries plus Aggregated and stays responsive', async () => {
    const f = await startFixture({ classes: [ManyNamesUser as never], server: { pollMs: 500 } });
    await f.runner.start(2, 100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await f.runner.stop();
    expect(f.runner.stats.entries()).toHaveLength(600);
    const page = await browser.newPage();
    await page.goto(`${f.url}/`);
    await page.waitForFunction(() => document.querySelectorAll('#stats-table tbody tr').length === 501);
    expect(await page.locator('#stats-note').textContent()).toMatch(/and 100 more entries \(only the 500 with the most requests are listed/);
    // A refresh of 500 changed rows (here: sorting, which changes every cell) reuses the row
    // elements and only sets texts: no element is created (about 10 ms of script and 10-50 ms of
    // layout on an idle machine; timings are for benchmarks, not assertions).
    const result = await page.evaluate(() => {
      const rowsBefore: unknown[] = Array.from(document.querySelectorAll('#stats-table tbody tr'));
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        const th = document.querySelector('#stats-table th[data-key="num_requests"]') as { click(): void };
        const started = performance.now();
        th.click();
        void document.body.offsetHeight;
        out.push(performance.now() - started);
      }
      const rowsAfter: unknown[] = Array.from(document.querySelectorAll('#stats-table tbody tr'));
      return { timings: out, reused: rowsAfter.length === rowsBefore.length && rowsAfter.every((tr, i) => tr === rowsBefore[i]) };
    });
    expect(result.reused).toBe(true);
    expect(await page.locator('#stats-table tbody tr').count()).toBe(501);
    const first = await page.locator('#stats-table tbody tr:first-child td:nth-child(3)').textContent();
    const second = await page.locator('#stats-table tbody tr:nth-child(2) td:nth-child(3)').textContent();
    expect(Number(first)).toBeGreaterThanOrEqual(Number(second));
    expect(await page.locator('#stats-table tbody tr:last-child td:nth-child(2)').textContent()).toBe('Aggregated');
    await page.close();
  });

  it('leaves room right of each chart for the last time label (half of "00:00:00" or more)', async () => {
    const f = await startFixture({ classes: [ApiUser as never], server: { pollMs: 500 } });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${f.url}/#charts`);
    await page.waitForFunction(() => document.querySelectorAll('#tab-charts .uplot').length === 3);
    const room = await page.evaluate(() => {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
      const label = ctx.measureText('00:00:00').width;
      const margins = Array.from(document.querySelectorAll('#tab-charts .uplot')).map((el: any) => {
        return el.querySelector('canvas').getBoundingClientRect().right - el.querySelector('.u-over').getBoundingClientRect().right;
      });
      return { label, margins };
    });
    for (const m of room.margins) expect(m).toBeGreaterThanOrEqual(room.label / 2);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-charts.png') });
    await page.close();
  });

  it('shows an extra table in a tab of its own once it has rows, every value as text', async () => {
    let rows: Array<Array<string | number | null>> = [];
    const f = await startFixture({
      server: { pollMs: 300, outputs: () => [{ name: 'x', webTable: () => ({ id: 'x', title: HOSTILE, columns: ['Name', HOSTILE, 'Count'], rows, lastRowIsTotal: true }) }] },
    });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${f.url}/`);
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent !== '-');
    // No rows, no tab.
    expect(await page.locator('.tabs button[data-tab="extra-x"]').count()).toBe(0);
    rows = [[HOSTILE, 'a', 1], ['Aggregated', null, 2]];
    const tab = page.locator('.tabs button[data-tab="extra-x"]');
    await tab.waitFor({ state: 'visible' });
    expect(await tab.textContent()).toBe(HOSTILE);
    await tab.click();
    await page.waitForFunction(() => document.querySelectorAll('#tab-extra-x tbody tr').length === 2);
    expect(await page.locator('#tab-extra-x thead th').allTextContents()).toEqual(['Name', HOSTILE, 'Count']);
    expect(await page.locator('#tab-extra-x tbody tr:first-child td').allTextContents()).toEqual([HOSTILE, 'a', '1']);
    // Aggregated in bold as the total; null shows as '-'; numbers align right.
    expect(await page.locator('#tab-extra-x tbody tr.total td').allTextContents()).toEqual(['Aggregated', '-', '2']);
    expect(await page.locator('#tab-extra-x tbody tr:first-child td:nth-child(3)').getAttribute('class')).toBe('num');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('.tabs img, .tabs script, #tab-extra-x img, #tab-extra-x script').count()).toBe(0);
    // Later polls update the cells.
    rows = [[HOSTILE, 'b', 3], ['Aggregated', null, 4]];
    await page.waitForFunction(() => document.querySelector('#tab-extra-x tbody tr.total td:nth-child(3)')!.textContent === '4');
    expect(await page.locator('#tab-extra-x tbody tr:first-child td').allTextContents()).toEqual([HOSTILE, 'b', '3']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
  it("draws an extra table's charts under it and follows their data", async () => {
    let x = [1_714_560_000, 1_714_560_001];
    const chart = () => ({
      id: 'c',
      caption: HOSTILE,
      unit: '%',
      x,
      series: [
        { label: 'CPU %', color: '#2f6fb3', values: x.map((_, i) => 10 + i) },
        { label: 'Client limited', color: '#d0342c', marks: true, values: x.map((_, i) => (i === 1 ? 95 : null)) },
      ],
    });
    const f = await startFixture({
      server: { pollMs: 300, outputs: () => [{ name: 'x', webTable: () => ({ id: 'x', title: 'X', columns: ['Name'], rows: [['a']], charts: [chart()] }) }] },
    });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${f.url}/#extra-x`);
    await page.waitForFunction(() => document.querySelectorAll('#tab-extra-x [data-chart="c"] .uplot canvas').length === 1);
    expect(await page.locator('#tab-extra-x [data-chart="c"] .u-title').textContent()).toBe(HOSTILE);
    expect(await page.locator('#tab-extra-x [data-chart="c"] .u-legend .u-series').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('CPU %'), expect.stringContaining('Client limited')]));
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    // A later poll's points reach the same chart.
    x = [...x, 1_714_560_002, 1_714_560_003];
    expect(await page.locator('#tab-extra-x [data-chart="c"]').getAttribute('data-points')).toBe('2');
    await page.waitForFunction(() => document.querySelector('#tab-extra-x [data-chart="c"]')!.getAttribute('data-points') === '4');
    expect(await page.locator('#tab-extra-x [data-chart="c"]').count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
