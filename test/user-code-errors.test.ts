import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, readCsv, runLocusta, startServer, tempDir } from './helpers.ts';

/** The Aggregated request count of a _stats.csv. */
function csvTotal(file: string): number {
  return Number(readCsv(file).find((row) => row[1] === 'Aggregated')![2]);
}

describe('errors of user code outside the task promise chain', () => {
  const cases = [
    { cls: 'TimerThrowUser', message: 'thrown in a timer callback' },
    { cls: 'FloatingRejectionUser', message: 'rejected and never awaited' },
  ];
  for (const mode of ['local', 'processes'] as const) {
    for (const { cls, message } of cases) {
      it(`${mode}: ${cls} is counted in the exceptions table, the run goes on, exit code 1`, async () => {
        const server = await startServer();
        const dir = tempDir();
        const common = ['-f', join(FIXTURES, 'uncaught.ts'), cls, '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s', '--csv', join(dir, 'r')];
        const r = await runLocusta(mode === 'local' ? common : [...common, '--processes', '2', '--master-bind-port', '0']);
        expect(r.stderr).not.toContain('Node.js v');
        expect(r.stderr).toContain(`${cls}: uncaught`);
        expect(r.code).toBe(1);
        const rows = readCsv(join(dir, 'r_exceptions.csv'));
        const row = rows.find((x) => x[1] === message);
        expect(row, rows.join('\n')).toBeDefined();
        expect(Number(row![0])).toBe(2);
        // The users went on after the error: several requests each, all counted.
        const total = csvTotal(join(dir, 'r_stats.csv'));
        expect(total).toBe(server.total());
        expect(total).toBeGreaterThan(4);
        expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(total);
      });
    }
  }
});
