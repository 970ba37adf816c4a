import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '@locusta/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, countColour, launchChromium } from './browser.ts';
import { FIXTURES, ROOT, finalSummary, startLocusta } from './helpers.ts';

const ARTIFACTS = join(ROOT, 'test/artifacts');

describe.skipIf(!HAS_CHROMIUM)(`the web UI of the real CLI, in Chromium (needs ${CHROMIUM})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([['local'], ['distributed']])('--class-picker: only the ticked User classes run (%s)', async (mode) => {
    const target = await startServer();
    const common = ['-f', join(FIXTURES, 'two-classes.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0', '-s', '3', '--class-picker'];
    const run = startLocusta(mode === 'local' ? common : [...common, '--processes', '2', '--master-bind-port', '0']);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    if (mode === 'distributed') await run.waitFor(/2 workers connected/);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    // Both classes offered, both ticked; untick WriteUser.
    expect(await page.locator('#class-picker input[name="user_classes"]').evaluateAll((els) => els.map((e) => { const box = e as unknown as { value: string; checked: boolean }; return [box.value, box.checked]; }))).toEqual([
      ['ReadUser', true],
      ['WriteUser', true],
    ]);
    await page.uncheck('#class-picker input[value="WriteUser"]');
    await page.fill('#start-users', '4');
    await page.fill('#start-rate', '20');
    await page.click('#start-button');
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'RUNNING');
    await expect.poll(() => target.counts.get('GET /read') ?? 0, { timeout: 20_000 }).toBeGreaterThan(20);
    await page.click('#btn-stop');
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'STOPPED');
    expect(errors).toEqual([]);
    await page.close();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"ReadUser": 4, "WriteUser": 0} (4 total users)');
    expect(target.counts.get('POST /write') ?? 0).toBe(0);
    expect(finalSummary(r.stderr).has('POST /write')).toBe(false);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.total());
  });

  it.each([['local'], ['distributed']])('runs a test against a loopback server from the UI (%s)', async (mode) => {
    const target = await startServer();
    const common = ['-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0', '-s', '3'];
    // Distributed: a master with its web UI and two forked worker processes.
    const run = startLocusta(mode === 'local' ? common : [...common, '--processes', '2', '--master-bind-port', '0']);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    if (mode === 'distributed') await run.waitFor(/2 workers connected/);

    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    await page.fill('#start-users', '4');
    await page.fill('#start-rate', '20');
    await page.click('#start-button');
    await page.locator('#start-panel').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'RUNNING');

    // The table and the charts fill from the live statistics.
    await page.waitForFunction(() => [...document.querySelectorAll('#stats-table tbody td:nth-child(2)')].some((td) => td.textContent === '/hello'));
    await page.click('.tabs button[data-tab="charts"]');
    await expect.poll(() => countColour(page, '#chart-rps canvas', [21, 128, 61]), { timeout: 20_000 }).toBeGreaterThan(50);
    await expect.poll(() => countColour(page, '#chart-users canvas', [37, 99, 235]), { timeout: 20_000 }).toBeGreaterThan(50);

    // Change the users while it runs.
    await page.click('#btn-edit');
    await page.locator('#edit-panel').waitFor({ state: 'visible' });
    await page.fill('#edit-users', '2');
    await page.click('#edit-button');
    await page.waitForFunction(() => document.getElementById('m-users')!.textContent === '2');

    if (mode === 'distributed') {
      // The workers tab lists both workers, one user each now.
      await page.click('.tabs button[data-tab="workers"]');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('#workers-table tbody tr')];
        return rows.length === 2 && rows.every((tr) => tr.children[2]?.textContent === '1');
      });
      expect((await page.locator('#workers-table tbody td:nth-child(2)').allTextContents()).map((s) => s.toLowerCase())).toEqual(['running', 'running']);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `web-ui-cli-${mode}.png`), fullPage: true });

    await page.click('#btn-stop');
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'STOPPED');

    // Download the statistics CSV through the UI's link: after the stop it is final.
    await page.click('.tabs button[data-tab="download"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-requests')]);
    const rows = readFileSync((await download.path())!, 'utf8').split('\r\n');
    const aggregated = rows.find((l) => l.startsWith(',Aggregated,'))!.split(',');
    expect(errors).toEqual([]);
    await context.close();

    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    // The downloaded CSV, the final summary and the target agree.
    expect(Number(aggregated[2])).toBe(target.total());
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.total());
  });
});
