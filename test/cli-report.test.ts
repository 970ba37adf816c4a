import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, launchChromium, openOffline } from './browser.ts';
import { FIXTURES, finalSummary, startLocusta } from './helpers.ts';

describe('reports of a run: --html, --histogram, --hdr-log', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (HAS_CHROMIUM) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('writes a self-contained HTML report that draws offline, a console histogram and HdrHistogram logs', async () => {
    let n = 0;
    const server = await startServer((req, res) => {
      // Latencies from 1 to 40 ms, and every 20th request fails.
      setTimeout(() => {
        res.statusCode = ++n % 20 === 0 ? 500 : 200;
        res.end('ok');
      }, 1 + (n % 40));
    });
    const dir = tempDir();
    const r = await startLocusta([
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '--arrival-rate', '60', '-u', '20', '-t', '3', '-s', '5',
      '--html', join(dir, 'report_{u}u_{t}s.html'), '--histogram', '--hdr-log', join(dir, 'run.hlog'), '--slo', 'p99<5000',
    ]).done;
    expect(r.code).toBe(1); // some requests failed
    const total = finalSummary(r.stderr).get('Aggregated')!.requests;
    expect(total).toBe(server.total());

    // The console histogram: a title line and bars whose counts add up to the requests.
    const bars = [...r.stderr.matchAll(/\| *[█▏▎▍▌▋▊▉]* *(\d+) \(/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(total);

    // The interval log: the standard header and base64 histograms, one Aggregated line a second.
    const hlog = readFileSync(join(dir, 'run.hlog'), 'utf8');
    expect(hlog).toContain('#[Histogram log format version 1.3]');
    expect(hlog).toMatch(/^\d+\.\d{3},\d+\.\d{3},\d+\.\d{3},HISTFAAA/m);
    expect(hlog).toMatch(/^Tag=GET_\/work,/m);

    // {u} and {t} were substituted in the file name.
    const file = join(dir, 'report_20u_3s.html');
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain('p99&lt;5000');

    if (!browser) return console.warn(`skipping the browser check: ${CHROMIUM} is missing`);
    const w = await openOffline(browser, file);
    await w.page.waitForFunction(() => (globalThis as { __reportReady?: boolean }).__reportReady === true, undefined, { timeout: 20_000 });
    const drawn = await w.page.$$eval('[data-chart]', (els) => els.map((el) => el.getAttribute('data-drawn')));
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    expect(drawn.every((d) => d === 'true')).toBe(true);
    expect(await w.page.textContent('body')).toContain('/work');
    expect(w.blocked).toEqual([]);
    expect(w.errors).toEqual([]);
  });
});
