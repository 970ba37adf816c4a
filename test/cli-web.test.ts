import { join } from 'node:path';
import { freePort, startServer } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { FIXTURES, finalSummary, startLocusta } from './helpers.ts';

/** Waits until the CLI logs its web UI address and returns it. */
async function webUrl(run: ReturnType<typeof startLocusta>): Promise<string> {
  await run.waitFor(/Starting web interface at \S+/);
  return /Starting web interface at (\S+)/.exec(run.output().stderr)![1]!.replace(/\/$/, '');
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in 20 s');
}

describe('locusta with the web UI (no --headless)', () => {
  it('serves the UI and the REST API; a test started with POST /swarm runs, stops, and Ctrl-C writes the outputs', async () => {
    const target = await startServer();
    // -s lets the requests in flight at the stop finish, so every one the target saw is counted.
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0', '--web-auth', 'ops:s3cret', '-s', '5']);
    const url = await webUrl(run);
    const auth = { authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` };
    expect((await fetch(`${url}/stats/requests`)).status).toBe(401);
    const page = await fetch(`${url}/`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    const swarm = await fetch(`${url}/swarm`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_count: '3', spawn_rate: '10', host: target.url }),
    });
    expect(await swarm.json()).toMatchObject({ success: true, message: 'Swarming started' });
    await until(async () => {
      const s = (await (await fetch(`${url}/stats/requests`, { headers: auth })).json()) as { user_count: number; stats: Array<{ name: string; num_requests: number }> };
      return s.user_count === 3 && (s.stats.find((e) => e.name === 'Aggregated')?.num_requests ?? 0) > 10;
    });
    const metrics = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/^locusta_requests_total\{method="GET",name="\/hello"\} \d+$/m);
    expect(metrics).toMatch(/^locusta_users 3$/m);

    expect(await (await fetch(`${url}/stop`, { headers: auth })).json()).toMatchObject({ success: true });
    const csv = await (await fetch(`${url}/stats/requests/csv`, { headers: auth })).text();
    expect(csv.split('\n')[0]).toContain('Type,Name,Request Count');
    const stopped = (await (await fetch(`${url}/stats/requests`, { headers: auth })).json()) as { state: string };
    expect(stopped.state).toBe('stopped');

    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    // The summary printed at the end covers what the target served.
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.total());
  });

  it('--autostart runs -u/-r/-t at once, then --autoquit ends the process', async () => {
    const target = await startServer();
    const r = await startLocusta([
      '-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0',
      '--autostart', '-u', '2', '-r', '10', '-t', '2', '--autoquit', '1', '-s', '5',
    ]).done;
    expect(r.stderr).toContain('Starting web interface at');
    expect(r.stderr).toContain('--run-time limit reached, stopping test');
    expect(r.stderr).toContain('--autoquit time reached, shutting down');
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(target.total());
  });

  it('refuses bad web options with one-line errors', async () => {
    for (const [args, message] of [
      [['--autoquit', '3'], '--autoquit is only meaningful in combination with --autostart'],
      [['--web-auth', 'nocolon'], "argument --web-auth: expected 'user:password'"],
      [['--web-base-path', 'ui'], "argument --web-base-path: The web base path must start with '/'"],
    ] as const) {
      const r = await startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', ...args]).done;
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });

  it('the report from the web UI starts at the test start, not at the process start, and at a reset after one', async () => {
    const target = await startServer();
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0']);
    const url = await webUrl(run);
    const reportStart = async (): Promise<number> => {
      const html = await (await fetch(`${url}/stats/report`)).text();
      const start = /<dt>Start<\/dt><dd>([^<]+) UTC<\/dd>/.exec(html)![1]!;
      return Date.parse(`${start.replace(' ', 'T')}Z`) / 1000;
    };
    // The UI sits idle before the test: that time is not part of the test.
    await new Promise((r) => setTimeout(r, 2500));
    const swarmAt = Math.floor(Date.now() / 1000);
    await fetch(`${url}/swarm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_count: '2', spawn_rate: '10', host: target.url }),
    });
    await until(async () => target.total() > 5);
    expect(await reportStart()).toBeGreaterThanOrEqual(swarmAt);
    await new Promise((r) => setTimeout(r, 1500));
    const resetAt = Math.floor(Date.now() / 1000);
    await fetch(`${url}/stats/reset`);
    expect(await reportStart()).toBeGreaterThanOrEqual(resetAt);
    await fetch(`${url}/stop`);
    run.child.kill('SIGINT');
    expect((await run.done).stderr).not.toMatch(/\n\s+at /);
  });

  it('--profile names the run in the page and the report; the form changes it for the next test', async () => {
    const target = await startServer();
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', target.url, '--web-host', '127.0.0.1', '--web-port', '0', '--profile', 'nightly-8b']);
    const url = await webUrl(run);
    const config = async (): Promise<{ profile: string }> => {
      const page = await (await fetch(`${url}/`)).text();
      return JSON.parse(/<script type="application\/json" id="locusta-config">([^<]*)<\/script>/.exec(page)![1]!) as { profile: string };
    };
    expect((await config()).profile).toBe('nightly-8b');
    const profileInReport = async (): Promise<string | undefined> => /<dt>Profile<\/dt><dd>([^<]*)<\/dd>/.exec(await (await fetch(`${url}/stats/report`)).text())?.[1];
    expect(await profileInReport()).toBe('nightly-8b');
    await fetch(`${url}/swarm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_count: '1', spawn_rate: '10', host: target.url, profile: 'canary<b>' }),
    });
    await until(async () => target.total() > 0);
    expect((await config()).profile).toBe('canaryb');
    expect(await profileInReport()).toBe('canaryb');
    await fetch(`${url}/stop`);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });

  it("a master's /logs holds each worker's lines, sent before the worker acknowledges a stop", async () => {
    const target = await startServer();
    const port = await freePort();
    const file = join(FIXTURES, 'simple.ts');
    const master = startLocusta(['-f', file, '-H', target.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--web-host', '127.0.0.1', '--web-port', '0', '--autostart', '-u', '2', '-r', '10', '-t', '2s', '--autoquit', '30']);
    const url = await webUrl(master);
    const worker = startLocusta(['-f', file, '--worker', '--master-port', String(port)], { env: { LOCUSTA_WORKER_LOG_INTERVAL: '3600' } });
    await master.waitFor('--run-time limit reached');
    let logs: { master: string[]; workers: Record<string, string[]> } = { master: [], workers: {} };
    await until(async () => {
      logs = (await (await fetch(`${url}/logs`)).json()) as typeof logs;
      return Object.keys(logs.workers).length === 1;
    });
    const [id, lines] = Object.entries(logs.workers)[0]!;
    // The interval is an hour: these lines came with the stop.
    expect(lines.some((l) => l.includes(`Connected to the master as worker 0 (${id})`))).toBe(true);
    expect(logs.master.some((l) => l.includes('Starting web interface at'))).toBe(true);
    master.child.kill('SIGINT');
    expect((await master.done).code).toBe(0);
    expect((await worker.done).code).toBe(0);
  });
});
