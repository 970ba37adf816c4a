import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium } from './browser.ts';
import { FIXTURES, ROOT, finalSummary, startLocusta, startServer } from './helpers.ts';

const ARTIFACTS = join(ROOT, 'test/artifacts');

describe.skipIf(!HAS_CHROMIUM)(`the web UI of a distributed run, in Chromium (needs ${CHROMIUM})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts a test over two workers from the form and shows each worker', async () => {
    const target = await startServer();
    // The real CLI: a master with its web UI and two forked worker processes.
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--processes', '2', '--master-bind-port', '0', '--web-host', '127.0.0.1', '--web-port', '0', '-s', '3']);
    await run.waitFor(/Starting web interface at \S+/);
    const url = /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
    await run.waitFor(/2 workers connected/);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    await page.fill('#start-users', '4');
    await page.fill('#start-rate', '20');
    await page.click('#start-button');
    await page.locator('#start-panel').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'RUNNING');
    await page.waitForFunction(() => document.getElementById('m-workers')!.textContent === '2');

    // The workers tab lists both workers, two users each.
    await page.click('.tabs button[data-tab="workers"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#workers-table tbody tr')];
      return rows.length === 2 && rows.every((tr) => tr.children[2]?.textContent === '2');
    });
    const states = await page.locator('#workers-table tbody td:nth-child(2)').allTextContents();
    expect(states.map((s) => s.toLowerCase())).toEqual(['running', 'running']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-distributed.png'), fullPage: true });

    // The requests table fills from the merged worker reports.
    await page.click('.tabs button[data-tab="stats"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#stats-table tbody td:nth-child(2)')].some((td) => td.textContent === '/hello'));
    await page.click('#btn-stop');
    await page.waitForFunction(() => document.getElementById('m-state')!.textContent === 'STOPPED');
    expect(errors).toEqual([]);

    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    // Every request the target served is in the master's final summary.
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.total());
  });
});
