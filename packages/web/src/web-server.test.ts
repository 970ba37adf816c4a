import { STATS_CSV_HEADER, FAILURES_CSV_HEADER, EXCEPTIONS_CSV_HEADER } from '@locusta/stats';
import { waitUntil } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { ApiUser, HOSTILE, HostileUser, postSwarm, startFixture } from '../test-support/web-fixture.ts';
import { INVALID_RUN_TIME, MISSING_USERS_OR_RATE } from './routes/swarm.ts';

const ENTRY_KEYS = [
  'method', 'name', 'num_requests', 'num_failures', 'min_response_time', 'max_response_time', 'current_rps',
  'current_fail_per_sec', 'avg_response_time', 'median_response_time', 'total_rps', 'total_fail_per_sec',
  'response_time_percentile_0.95', 'response_time_percentile_0.99', 'avg_content_length',
];
const REPORT_KEYS = [
  'stats', 'errors', 'current_rps', 'current_fail_per_sec', 'total_rps', 'total_fail_per_sec', 'fail_ratio',
  'current_response_time_percentiles', 'state', 'user_count',
];

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as Record<string, unknown>;
}

type Row = Record<string, unknown>;

describe('WebServer REST API (Locust routes, a real LocalRunner)', () => {
  it('starts with /swarm and reports /stats/requests in Locust\'s shape, field by field', async () => {
    const f = await startFixture();
    const res = await postSwarm(f.url, { user_count: '4', spawn_rate: '100', host: 'http://127.0.0.1:1' });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Row;
    expect(Object.keys(reply)).toEqual(['success', 'message', 'host']);
    expect(reply).toEqual({ success: true, message: 'Swarming started', host: 'http://127.0.0.1:1' });
    await waitUntil(() => f.runner.state === 'running' && f.runner.stats.total.numRequests > 40);
    // Complete seconds in the window, so the current percentiles exist.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const report = await getJson(`${f.url}/stats/requests`);
    expect(Object.keys(report)).toEqual(REPORT_KEYS);
    expect(report['state']).toBe('running');
    expect(report['user_count']).toBe(4);
    const rows = report['stats'] as Row[];
    expect(rows.map((r) => [r['method'], r['name']])).toEqual([['GET', '/hello'], ['POST', '/items'], ['GET', '/missing'], ['', 'Aggregated']]);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(ENTRY_KEYS);
      for (const k of ENTRY_KEYS.slice(2)) expect(typeof r[k], k).toBe('number');
    }
    const [hello, items, missing, total] = rows as [Row, Row, Row, Row];
    expect(items).toMatchObject({
      min_response_time: 50, max_response_time: 50, avg_response_time: 50, median_response_time: 50,
      'response_time_percentile_0.95': 50, 'response_time_percentile_0.99': 50, avg_content_length: 20, num_failures: 0,
    });
    expect(hello).toMatchObject({ min_response_time: 10, max_response_time: 30, avg_content_length: 100 });
    expect(missing['num_failures']).toBe(missing['num_requests']);
    expect(total['num_requests']).toBe(Number(hello['num_requests']) + Number(items['num_requests']) + Number(missing['num_requests']));
    expect(report['fail_ratio']).toBeCloseTo(Number(missing['num_requests']) / Number(total['num_requests']), 10);
    expect(report['total_rps']).toBe(total['total_rps']);
    expect(report['current_rps']).toBe(total['current_rps']);
    expect(report['current_fail_per_sec']).toBe(total['current_fail_per_sec']);
    expect(report['total_fail_per_sec']).toBe(total['total_fail_per_sec']);
    const current = report['current_response_time_percentiles'] as Record<string, number | null>;
    expect(Object.keys(current)).toEqual(['response_time_percentile_0.5', 'response_time_percentile_0.95']);
    expect(current['response_time_percentile_0.5']).toBeGreaterThanOrEqual(5);
    expect(current['response_time_percentile_0.95']).toBeLessThanOrEqual(50);

    const errors = report['errors'] as Row[];
    expect(errors).toHaveLength(1);
    expect(Object.keys(errors[0]!)).toEqual(['name', 'method', 'error', 'occurrences', 'first_seen', 'last_seen']);
    expect(errors[0]).toMatchObject({ name: '/missing', method: 'GET', error: "Error('404 Not Found')" });
    expect(errors[0]!['occurrences']).toBe(missing['num_failures']);
    expect(typeof errors[0]!['first_seen']).toBe('number');
    expect(report).not.toHaveProperty('workers');
  });

  it('changes the users of a running test, stops with /stop and resets with /stats/reset', async () => {
    const f = await startFixture();
    await postSwarm(f.url, { user_count: '2', spawn_rate: '100' });
    await waitUntil(() => f.runner.state === 'running');
    expect(await (await postSwarm(f.url, { user_count: '5', spawn_rate: '100' })).json()).toMatchObject({ success: true });
    await waitUntil(() => f.runner.userCount === 5);
    await waitUntil(() => f.runner.stats.total.numRequests > 10);

    const stop = await getJson(`${f.url}/stop`);
    expect(stop).toEqual({ success: true, message: 'Test stopped' });
    expect(f.runner.state).toBe('stopped');
    expect((await getJson(`${f.url}/stats/requests`))['state']).toBe('stopped');

    const reset = await fetch(`${f.url}/stats/reset`);
    expect(reset.status).toBe(200);
    expect(await reset.text()).toBe('ok');
    const after = await getJson(`${f.url}/stats/requests`);
    const rows = after['stats'] as Row[];
    expect(rows.every((r) => r['num_requests'] === 0)).toBe(true);
    expect(after['errors']).toEqual([]);
  });

  it("refuses bad /swarm input with Locust's messages", async () => {
    const f = await startFixture();
    const refuse = async (fields: Record<string, string>) => {
      const res = await postSwarm(f.url, fields);
      return { status: res.status, body: (await res.json()) as Row };
    };
    expect(await refuse({ spawn_rate: '1' })).toEqual({ status: 200, body: { success: false, message: MISSING_USERS_OR_RATE, host: 'http://127.0.0.1:1' } });
    expect((await refuse({ user_count: '1' })).body['message']).toBe(MISSING_USERS_OR_RATE);
    expect((await refuse({ user_count: '1', spawn_rate: '0' })).body['message']).toBe(MISSING_USERS_OR_RATE);
    expect(await refuse({ user_count: '1', spawn_rate: '1', run_time: '1h30' })).toEqual({
      status: 200, body: { success: false, message: INVALID_RUN_TIME, host: 'http://127.0.0.1:1' },
    });
    // Fields are read in the order posted: a bad run time before a missing user count wins.
    expect((await refuse({ run_time: 'soon' })).body['message']).toBe(INVALID_RUN_TIME);
    expect(await refuse({ user_count: '-1', spawn_rate: '1' })).toMatchObject({ status: 400, body: { success: false, message: "Invalid user_count '-1': expected a whole number of users >= 0" } });
    expect((await refuse({ user_count: 'ten', spawn_rate: '1' })).status).toBe(400);
    expect((await refuse({ user_count: '1.5', spawn_rate: '1' })).status).toBe(400);
    expect(await refuse({ user_count: '1', spawn_rate: '-2' })).toMatchObject({ status: 400, body: { message: "Invalid spawn_rate '-2': expected a number of users per second > 0" } });
    expect((await refuse({ user_count: '1', spawn_rate: 'fast' })).status).toBe(400);
    // Hosts as the command line checks them: every user would die at its start.
    expect(await refuse({ user_count: '1', spawn_rate: '1', host: 'javascript:alert(1)' })).toEqual({
      status: 400, body: { success: false, message: "Invalid host 'javascript:alert(1)': the scheme must be http or https", host: 'http://127.0.0.1:1' },
    });
    expect(await refuse({ user_count: '1', spawn_rate: '1', host: 'example.com' })).toMatchObject({
      status: 400, body: { message: "Invalid host 'example.com': expected a URL such as http://127.0.0.1:8000" },
    });
    // No machine runs this many users: refused with the limit, not left to the dispatcher.
    expect(await refuse({ user_count: '100000000000', spawn_rate: '1' })).toMatchObject({
      status: 400, body: { success: false, message: "Invalid user_count '100000000000': at most 10000000 users can be started" },
    });
    expect((await refuse({ user_count: '1e11', spawn_rate: '1' })).status).toBe(400);
    expect((await refuse({ user_count: '1', spawn_rate: 'Infinity' })).status).toBe(400);
    expect((await refuse({ user_count: '1', spawn_rate: 'NaN' })).status).toBe(400);
    expect(f.runner.state).toBe('ready');
  });

  it('accepts JSON and multipart bodies, strips markup from the host, and stops after run_time', async () => {
    const f = await startFixture();
    const json = await fetch(`${f.url}/swarm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_count: 1, spawn_rate: 10, host: 'http://<b>localhost:1</b>', run_time: '1s' }),
    });
    expect(await json.json()).toEqual({ success: true, message: 'Swarming started', host: 'http://blocalhost:1/b', run_time: 1 });
    expect(f.env.host).toBe('http://blocalhost:1/b');
    await waitUntil(() => f.runner.state === 'running');
    await waitUntil(() => f.runner.state === 'stopped', 5000);

    const form = new FormData();
    form.set('user_count', '2');
    form.set('spawn_rate', '50');
    form.set('host', '');
    const multipart = await fetch(`${f.url}/swarm`, { method: 'POST', body: form });
    expect(await multipart.json()).toEqual({ success: true, message: 'Swarming started', host: '' });
    await waitUntil(() => f.runner.userCount === 2);
    expect(f.env.host).toBeUndefined();

    const upload = new FormData();
    upload.set('user_count', '1');
    upload.set('file', new Blob(['x']), 'x.txt');
    expect((await fetch(`${f.url}/swarm`, { method: 'POST', body: upload })).status).toBe(400);
    expect((await fetch(`${f.url}/swarm`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/xml' } })).status).toBe(415);
    expect((await fetch(`${f.url}/swarm`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('sets custom options from the form, typed, under their name and camelCase', async () => {
    const f = await startFixture({
      server: {
        customOptions: [
          { name: 'model', default: 'llama', help: 'Model to ask for' },
          { name: 'max-tokens', type: 'number', default: 5 },
          { name: 'stream', type: 'boolean', default: false },
          { name: 'tags-list', type: 'array', default: [] },
        ],
      },
    });
    const res = await postSwarm(f.url, { user_count: '1', spawn_rate: '1', model: 'mistral', max_tokens: '7', stream: 'true', 'tags-list': 'a,b', unknown: 'x' });
    expect(((await res.json()) as Row)['success']).toBe(true);
    const parsed = f.env.parsedOptions;
    expect(parsed).toMatchObject({ model: 'mistral', 'max-tokens': 7, maxTokens: 7, stream: true, 'tags-list': ['a', 'b'], tagsList: ['a', 'b'], users: 1, spawnRate: 1 });
    expect(parsed).not.toHaveProperty('unknown');
    const bad = await postSwarm(f.url, { user_count: '1', spawn_rate: '1', 'max-tokens': 'many' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Row)['message']).toBe("Invalid value 'many' for max-tokens: expected a number");
    // The next page load offers what was started with.
    const page = await (await fetch(`${f.url}/`)).text();
    const config = JSON.parse(/<script type="application\/json" id="locusta-config">(.*?)<\/script>/s.exec(page)![1]!);
    expect(config.customOptions.map((o: Row) => [o['name'], o['value']])).toEqual([['model', 'mistral'], ['max-tokens', 7], ['stream', true], ['tags-list', ['a', 'b']]]);
    expect(config).toMatchObject({ users: 1, spawnRate: 1 });
  });

  it('serves the CSV downloads with attachment names, and 404 for the full history unless given', async () => {
    const f = await startFixture({ classes: [ApiUser as never, HostileUser as never], server: { userFile: 'web-test.ts' } });
    await postSwarm(f.url, { user_count: '2', spawn_rate: '100' });
    await waitUntil(() => f.runner.stats.total.numRequests > 10 && f.runner.exceptions.size > 0);
    await fetch(`${f.url}/stop`);

    const stats = await fetch(`${f.url}/stats/requests/csv`);
    expect(stats.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(stats.headers.get('content-disposition')).toMatch(/^attachment; filename="Locusta_\d{4}-\d\d-\d\d-\d\dh\d\d_web-test\.ts_http_127\.0\.0\.1_1_requests\.csv"$/);
    const text = await stats.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(STATS_CSV_HEADER.join(','));
    expect(lines.at(-2)).toMatch(/^,Aggregated,\d+,\d+,/);
    expect(text).toContain('"<img src=x onerror=""window.__pwned=1"">\'&""</td><script>window.__pwned=2</script>"');

    const failures = await fetch(`${f.url}/stats/failures/csv`);
    expect(failures.headers.get('content-disposition')).toMatch(/_failures\.csv"$/);
    expect((await failures.text()).split('\r\n')[0]).toBe(FAILURES_CSV_HEADER.join(','));
    const exceptions = await fetch(`${f.url}/exceptions/csv`);
    expect(exceptions.headers.get('content-disposition')).toMatch(/_exceptions\.csv"$/);
    const exceptionsText = await exceptions.text();
    expect(exceptionsText.split('\r\n')[0]).toBe(EXCEPTIONS_CSV_HEADER.join(','));
    expect(exceptionsText).toContain(',local\r\n');

    const history = await fetch(`${f.url}/stats/requests_full_history/csv`);
    expect(history.status).toBe(404);
    expect(await history.text()).toBe('Error: Server was not started with option to generate full history.');
    const withHistory = await startFixture({ server: { csv: { history: () => 'Timestamp,User Count\r\n1,2\r\n' } } });
    const served = await fetch(`${withHistory.url}/stats/requests_full_history/csv`);
    expect(served.headers.get('content-disposition')).toMatch(/_requests_full_history\.csv"$/);
    expect(await served.text()).toBe('Timestamp,User Count\r\n1,2\r\n');
  });

  it('serves the HTML report from the callback, as an attachment with ?download=1', async () => {
    const none = await startFixture();
    expect((await fetch(`${none.url}/stats/report`)).status).toBe(404);
    const calls: unknown[] = [];
    const f = await startFixture({ server: { userFile: 'u.ts', htmlReport: (o) => (calls.push(o), '<html>report</html>') } });
    const view = await fetch(`${f.url}/stats/report?theme=dark`);
    expect(view.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(view.headers.get('content-disposition')).toBeNull();
    expect(await view.text()).toBe('<html>report</html>');
    const download = await fetch(`${f.url}/stats/report?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="Locusta_.*_u\.ts_http_127\.0\.0\.1_1\.html"$/);
    expect(calls).toEqual([{ download: false, theme: 'dark' }, { download: true, theme: '' }]);
  });

  it('answers /exceptions, /tasks, /logs and /worker-count as Locust does', async () => {
    const f = await startFixture({ classes: [ApiUser as never, HostileUser as never] });
    let tasks = await getJson(`${f.url}/tasks`);
    expect(tasks).toEqual({
      per_class: {
        ApiUser: { ratio: 0, tasks: { hello: { ratio: 0.6 }, items: { ratio: 0.2 }, missing: { ratio: 0.2 } } },
        HostileUser: { ratio: 0, tasks: { fire: { ratio: 0.5 }, boom: { ratio: 0.5 } } },
      },
      total: {
        ApiUser: { ratio: 0, tasks: { hello: { ratio: 0 }, items: { ratio: 0 }, missing: { ratio: 0 } } },
        HostileUser: { ratio: 0, tasks: { fire: { ratio: 0 }, boom: { ratio: 0 } } },
      },
    });
    await postSwarm(f.url, { user_count: '4', spawn_rate: '100' });
    await waitUntil(() => f.runner.state === 'running' && f.runner.exceptions.size > 0);
    tasks = await getJson(`${f.url}/tasks`);
    const total = tasks['total'] as Record<string, { ratio: number; tasks: Record<string, { ratio: number }> }>;
    expect(total['ApiUser']!.ratio).toBe(0.75);
    expect(total['ApiUser']!.tasks['hello']!.ratio).toBeCloseTo(0.45, 10);
    expect(total['HostileUser']!.tasks['boom']!.ratio).toBeCloseTo(0.125, 10);

    const exceptions = await getJson(`${f.url}/exceptions`);
    const rows = exceptions['exceptions'] as Row[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(['count', 'msg', 'traceback', 'nodes']);
    expect(rows[0]).toMatchObject({ msg: HOSTILE, nodes: 'local' });
    expect(rows[0]!['traceback']).toContain(HOSTILE);

    f.logs.push('[2026-01-01 00:00:00,000] host/INFO/locusta.main: one\n');
    f.logs.push('two');
    expect(await getJson(`${f.url}/logs`)).toEqual({ master: ['[2026-01-01 00:00:00,000] host/INFO/locusta.main: one', 'two'], workers: {} });
    expect(await getJson(`${f.url}/worker-count`)).toEqual({ worker_count: 0 });
  });

  it('keeps a server-side chart history in Locust\'s row layout, readable incrementally', async () => {
    const f = await startFixture();
    let page = await getJson(`${f.url}/stats/history`);
    expect(page).toMatchObject({ full: true, history: [] });
    await postSwarm(f.url, { user_count: '2', spawn_rate: '100' });
    await waitUntil(async () => ((await getJson(`${f.url}/stats/history`))['history'] as Row[]).length >= 2, 8000);
    page = await getJson(`${f.url}/stats/history`);
    const row = (page['history'] as Row[])[0]!;
    expect(Object.keys(row)).toEqual([
      'response_time_percentile_0.5', 'response_time_percentile_0.95', 'current_rps', 'current_fail_per_sec', 'total_avg_response_time', 'user_count', 'time',
    ]);
    expect(row['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(row['user_count']).toEqual([row['time'], expect.any(Number)]);
    const next = await getJson(`${f.url}/stats/history?run=${page['run']}&after=${page['next']}`);
    expect(next['full']).toBe(false);
    expect((next['history'] as Row[]).length).toBeLessThanOrEqual(1);
    // Another run (after a reset) gives everything again.
    await fetch(`${f.url}/stats/reset`);
    const fresh = await getJson(`${f.url}/stats/history?run=${page['run']}&after=${page['next']}`);
    expect(fresh['full']).toBe(true);
    expect(fresh['run']).not.toBe(page['run']);
  });

  it('sends a hostile entry name as data: exact in the JSON, escaped in the page', async () => {
    const f = await startFixture({
      classes: [HostileUser as never],
      server: { customOptions: [{ name: 'evil', help: HOSTILE, default: HOSTILE, choices: [HOSTILE, 'x'] }], userFile: HOSTILE },
    });
    f.env.host = `http://x/${HOSTILE}`;
    await postSwarm(f.url, { user_count: '1', spawn_rate: '10' });
    await waitUntil(() => f.runner.stats.total.numRequests > 0);
    const report = await getJson(`${f.url}/stats/requests`);
    expect((report['stats'] as Row[])[0]!['name']).toBe(HOSTILE);
    expect((report['errors'] as Row[])[0]).toMatchObject({ name: HOSTILE, error: HOSTILE });

    const res = await fetch(`${f.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('onerror="window');
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toEqual(['<script type="application/json" id="locusta-config">', '<script src="/assets/uplot.js">', '<script src="/assets/app.js">']);
    const config = JSON.parse(/id="locusta-config">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config.userFile).toBe(HOSTILE);
    expect(config.host).toBe(`http://x/${HOSTILE}`);
    expect(config.customOptions[0]).toMatchObject({ help: HOSTILE, value: HOSTILE, choices: [HOSTILE, 'x'] });
  });

  it('serves under a base path, with the page and assets referring to it', async () => {
    const f = await startFixture({ server: { basePath: '/locust/' } });
    const root = await fetch(`http://127.0.0.1:${f.port}/locust?x=1`, { redirect: 'manual' });
    expect(root.status).toBe(308);
    expect(root.headers.get('location')).toBe('/locust/?x=1');
    const html = await (await fetch(`${f.url}/`)).text();
    expect(html).toContain('<script src="/locust/assets/app.js">');
    expect(JSON.parse(/id="locusta-config">(.*?)<\/script>/s.exec(html)![1]!).basePath).toBe('/locust');
    expect((await fetch(`${f.url}/stats/requests`)).status).toBe(200);
    expect((await fetch(`${f.url}/assets/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`http://127.0.0.1:${f.port}/stats/requests`)).status).toBe(404);
  });

  it('serves a favicon at /favicon.ico (the browser asks for it) and links it from the page', async () => {
    for (const basePath of ['', '/locusta']) {
      const f = await startFixture({ server: { basePath } });
      const origin = f.url.slice(0, f.url.length - basePath.length);
      const icon = await fetch(`${f.url}/favicon.ico`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toMatch(/^image\//);
      expect((await icon.text()).startsWith('<svg')).toBe(true);
      const page = await (await fetch(`${f.url}/`)).text();
      expect(page).toContain(`<link rel="icon" type="image/svg+xml" href="${basePath}/favicon.ico">`);
      if (basePath) expect((await fetch(`${origin}/favicon.ico`)).status).toBe(404);
    }
  });

  it('serves assets with ETags, refuses wrong methods, unknown paths and cross-site actions', async () => {
    const f = await startFixture();
    const js = await fetch(`${f.url}/assets/app.js`);
    const etag = js.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await fetch(`${f.url}/assets/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const uplot = await fetch(`${f.url}/assets/uplot.js`);
    expect(await uplot.text()).toContain('uPlot');
    expect((await fetch(`${f.url}/assets/nope.js`)).status).toBe(404);

    const get = await fetch(`${f.url}/swarm`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${f.url}/nowhere`)).status).toBe(404);
    const head = await fetch(`${f.url}/stats/requests`, { method: 'HEAD' });
    expect(head.status).toBe(200);

    const crossSite = await postSwarm(f.url, { user_count: '1', spawn_rate: '1' }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${f.url}/stop`, { headers: { 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect(f.runner.state).toBe('ready');
    const sameOrigin = await postSwarm(f.url, { user_count: '1', spawn_rate: '1' }, { 'sec-fetch-site': 'same-origin' });
    expect(((await sameOrigin.json()) as Row)['success']).toBe(true);
  });

  it('offers /quit only with onQuitRequested, and calls it after answering', async () => {
    const plain = await startFixture();
    expect((await fetch(`${plain.url}/quit`, { method: 'POST' })).status).toBe(404);
    let quits = 0;
    const f = await startFixture({ server: { onQuitRequested: () => quits++ } });
    const html = await (await fetch(`${f.url}/`)).text();
    expect(JSON.parse(/id="locusta-config">(.*?)<\/script>/s.exec(html)![1]!).canQuit).toBe(true);
    expect(await (await fetch(`${f.url}/quit`, { method: 'POST' })).json()).toEqual({ success: true, message: 'Quitting' });
    await waitUntil(() => quits === 1);
  });

  it('warns when it listens beyond loopback without authentication', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    await startFixture({ server: { host: '0.0.0.0', logger } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^The web UI on 0\.0\.0\.0:\d+ can be reached from other machines and has no authentication/);
    await startFixture({ server: { host: '', logger, auth: 'u:p' } });
    await startFixture({ server: { host: '127.0.0.1', logger } });
    expect(warnings).toHaveLength(1);
  });
});
