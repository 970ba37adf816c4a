import { join } from 'node:path';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readCsv, runLocusta } from './helpers.ts';

// A user file that puts ids in URLs without `name=` makes one stats entry per URL.
const WARNING = /More than 1000 distinct request names \(\d+\): group URLs with name=/g;

describe('a run with more than 1,000 distinct request names', () => {
  for (const mode of ['local', 'distributed'] as const) {
    it(`warns once and in the final summary, caps the tables, keeps every entry in the CSV (${mode})`, async () => {
      const server = await startServer();
      const prefix = join(tempDir(), 'run');
      const extra = mode === 'distributed' ? ['--processes', '1', '--master-bind-port', '0'] : [];
      const r = await runLocusta([
        '-f', join(FIXTURES, 'many-names.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '4', '-t', '4s',
        '-s', '2', '--csv', prefix, ...extra,
      ]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      const warnings = r.stderr.match(WARNING) ?? [];
      // Once as a log line while running, once more in the final summary.
      expect(warnings).toHaveLength(2);
      expect(r.stderr).toMatch(/WARNING\/locusta\.\w+: More than 1000 distinct request names/);
      expect(r.stderr).toContain("this.client.get(`/item/${id}`, { name: '/item/[id]' })");
      const rows = readCsv(`${prefix}_stats.csv`).filter((row) => row[0] === 'GET');
      expect(rows.length).toBeGreaterThan(1000);
      // The final stats table: 100 rows, the line for the rest, Aggregated.
      const final = r.stderr.slice(r.stderr.lastIndexOf('Type     Name'));
      expect(r.stderr).toContain(`... and ${rows.length - 100} more entries (only the 100 with the most requests are listed; every entry is in the --csv files)`);
      expect(final).toMatch(/\n\s+Aggregated\s/);
    });
  }
});
