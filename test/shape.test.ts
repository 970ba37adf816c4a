import { join } from 'node:path';
import { startServer } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, startLocusta } from './helpers.ts';

describe('a load shape in the user file', () => {
  it.each([['local'], ['distributed']])('drives the users and ends the test (%s)', async (mode) => {
    const server = await startServer();
    const common = ['-f', join(FIXTURES, 'shape.ts'), '-H', server.url, '--headless', '-s', '2', '-u', '50'];
    const run =
      mode === 'local'
        ? startLocusta(common)
        : startLocusta([...common, '--processes', '1', '--master-bind-port', '0']);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Using the load shape TwoSteps');
    expect(r.stderr).toMatch(/TwoSteps sets the load: --users ignored/);
    expect(r.stderr).toContain('Shape test updating to 2 users at 10.00 spawn rate');
    expect(r.stderr).toContain('Shape test updating to 4 users at 10.00 spawn rate');
    expect(r.stderr).toMatch(/All users spawned: \{"ShapedUser": 4\} \(4 total users\)/);
    expect(r.stderr).toContain('Shape test stopping');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });
});
