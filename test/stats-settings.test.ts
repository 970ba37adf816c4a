import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, runLocusta } from './helpers.ts';

// Locust's statistics settings, from a user file (`stats.PERCENTILES_TO_REPORT = [...]`) or the
// command line, reach every output.

/** A user file like fixtures/simple.ts that sets the statistics settings first. */
function userFile(dir: string, settings: string): string {
  const file = join(dir, 'locustfile.ts');
  writeFileSync(file, `import { stats } from 'locusta';\n${settings}\nexport { SimpleUser } from '${join(FIXTURES, 'simple.ts')}';\n`);
  return file;
}

describe('statistics settings', () => {
  it("a user file's PERCENTILES_TO_REPORT sets the console table, both CSVs and the HTML report", async () => {
    const server = await startServer();
    const dir = tempDir();
    const file = userFile(dir, 'stats.PERCENTILES_TO_REPORT = [0.5, 0.9, 0.999];');
    const r = await runLocusta(['-f', file, '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '2s', '-s', '5', '--csv', join(dir, 'run'), '--html', join(dir, 'run.html')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Type\s+Name\s+50%\s+90%\s+99\.9%\s+# reqs/);
    expect(readFileSync(join(dir, 'run_stats.csv'), 'utf8').split('\r\n')[0]!.split(',').slice(-3)).toEqual(['50%', '90%', '99.9%']);
    const history = readFileSync(join(dir, 'run_stats_history.csv'), 'utf8').split('\r\n')[0]!.split(',');
    expect(history.slice(6, 10)).toEqual(['50%', '90%', '99.9%', 'Total Request Count']);
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html).toContain('<th class="num">99.9%</th>');
    expect(html).not.toContain('<th class="num">66%</th>');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });

  it('the command line wins over the user file', async () => {
    const server = await startServer();
    const dir = tempDir();
    const file = userFile(dir, 'stats.PERCENTILES_TO_REPORT = [0.5, 0.9, 0.999];');
    const r = await runLocusta(['-f', file, '-H', server.url, '--headless', '-u', '1', '-t', '1s', '-s', '5', '--percentiles', '0.25,0.75', '--csv-interval', '2', '--csv', join(dir, 'run')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'run_stats.csv'), 'utf8').split('\r\n')[0]!.split(',').slice(-2)).toEqual(['25%', '75%']);
  });

  it.each([
    ['a user file', 'stats.PERCENTILES_TO_CHART = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];', [], 1, 'locusta: error: stats settings: PERCENTILES_TO_CHART: at most 6 percentiles can be charted, got 7'],
    ['--percentiles', '', ['--percentiles', '0.5,abc'], 2, "locusta: error: argument --percentiles: '0.5,abc' is not a list of fractions, e.g. 0.5,0.95,0.99"],
    ['--current-window', '', ['--current-window', '0'], 2, 'locusta: error: argument --current-window: must be a whole number of seconds from 1 to 3600, got 0'],
  ])('bad settings from %s: one line, no request', async (_from, settings, args, code, message) => {
    const server = await startServer();
    const file = userFile(tempDir(), settings);
    const r = await runLocusta(['-f', file, '-H', server.url, '--headless', '-t', '1s', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr.trim()).toBe(message);
    expect(server.total()).toBe(0);
  });
});
