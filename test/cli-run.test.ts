import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, finalSummary, readCsv, runLocusta, startLocusta } from './helpers.ts';

const STATS_HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%';
const HISTORY_HEADER =
  'Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size';

describe('a headless run', () => {
  it('writes the four CSVs with Locust 2.46 headers, and they agree with the console and the server', async () => {
    const server = await startServer((req, res) => setTimeout(() => res.end('slow body'), 30));
    const dir = tempDir();
    const prefix = join(dir, 'run');
    const r = await runLocusta([
      '-f', join(FIXTURES, 'slow.ts'), '-H', server.url, '--headless',
      '-u', '8', '-r', '8', '-t', '2s', '-s', '5', '--csv', prefix, '--csv-full-history',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const header = (f: string) => readFileSync(`${prefix}_${f}.csv`, 'utf8').split(/\r?\n/)[0];
    expect(header('stats')).toBe(STATS_HEADER);
    expect(header('stats_history')).toBe(HISTORY_HEADER);
    expect(header('failures')).toBe('Method,Name,Error,Occurrences,First Seen,Last Seen');
    expect(header('exceptions')).toBe('Count,Message,Traceback,Nodes');

    const rows = readCsv(`${prefix}_stats.csv`);
    const aggregated = rows.find((row) => row[1] === 'Aggregated')!;
    const csvTotal = Number(aggregated[2]);
    const summary = finalSummary(r.stderr);
    // -s lets every in-flight request finish, so nothing the server saw goes unrecorded.
    expect(csvTotal).toBe(server.total());
    expect(summary.get('Aggregated')?.requests).toBe(csvTotal);
    expect(summary.get('GET /slow')?.requests).toBe(Number(rows.find((row) => row[0] === 'GET')![2]));
    expect(Number(rows.find((row) => row[0] === 'POST')![2])).toBe(server.counts.get('POST /slow'));
    expect(csvTotal).toBeGreaterThan(0);

    const history = readCsv(`${prefix}_stats_history.csv`);
    const lastAggregated = history.filter((row) => row[3] === 'Aggregated').at(-1)!;
    expect(Number(lastAggregated[17])).toBe(csvTotal);
    expect(history.some((row) => row[3] === '/slow')).toBe(true);
  });

  it('groups requests by name and prints the final summary tables', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '3', '-r', '3', '-t', '2s', '-s', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Response time percentiles');
    expect(r.stderr).toMatch(/All users spawned: \{"SimpleUser": 3\} \(3 total users\)/);
    const summary = finalSummary(r.stderr);
    expect(summary.has('GET /hello')).toBe(true);
    expect(summary.has('GET /item/[id]')).toBe(true);
    expect(summary.get('Aggregated')!.requests).toBe(server.total());
  });

  it('applies catchResponse: 503 counts as success, other outcomes as the named failures', async () => {
    let n = 0;
    const server = await startServer((req, res) => {
      const k = n++ % 4;
      if (k === 0) res.end(JSON.stringify({ content: 'hi' }));
      else if (k === 1) res.end(JSON.stringify({ choices: [] }));
      else {
        res.statusCode = k === 2 ? 503 : 500;
        res.end('{}');
      }
    });
    const dir = tempDir();
    const r = await runLocusta(['-f', join(FIXTURES, 'catch-response.ts'), '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '2s', '-s', '2', '--csv', join(dir, 'c')]);
    expect(r.code).toBe(1);
    const failures = readCsv(join(dir, 'c_failures.csv')).slice(1);
    const errors = new Map(failures.map((row) => [row[2], Number(row[3])]));
    expect([...errors.keys()].sort()).toEqual(["CatchResponseError('Missing content field')", "CatchResponseError('Unexpected status: 500')"]);
    const stats = readCsv(join(dir, 'c_stats.csv'));
    const total = stats.find((row) => row[1] === 'Aggregated')!;
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    expect(Number(total[3])).toBe(failed);
    // Half the responses are failures (the 200 without content and the 500): about half, exactly counted.
    expect(Math.abs(Number(total[2]) / 2 - failed)).toBeLessThanOrEqual(1);
  });

  it('exits with --exit-code-on-error when requests fail or tasks throw, and lists both', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = 404;
      res.end('nope');
    });
    const dir = tempDir();
    const r = await runLocusta(['-f', join(FIXTURES, 'failing.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '1s', '--exit-code-on-error', '3', '--csv', join(dir, 'f')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Error report');
    expect(r.stderr).toContain(`GET /missing: HTTPError('404 Client Error: Not Found for url: ${server.url}/missing')`);
    const exceptions = readCsv(join(dir, 'f_exceptions.csv'));
    expect(exceptions[1]![1]).toContain('task blew up');
    expect(exceptions[1]![3]).toBe('local');
  });

  it('counts refused connections as failures and still completes the run', async () => {
    const dir = tempDir();
    const r = await runLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', 'http://127.0.0.1:1', '--headless', '-u', '2', '-r', '2', '-t', '1s', '--csv', join(dir, 'x')]);
    expect(r.code).toBe(1);
    const rows = readCsv(join(dir, 'x_stats.csv'));
    const total = rows.find((row) => row[1] === 'Aggregated')!;
    expect(Number(total[2])).toBeGreaterThan(0);
    expect(total[3]).toBe(total[2]);
    expect(readFileSync(join(dir, 'x_failures.csv'), 'utf8')).toMatch(/ECONNREFUSED/);
  });

  it('stops on SIGINT and still writes every output', async () => {
    const server = await startServer();
    const dir = tempDir();
    const run = startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '--csv', join(dir, 's'), '--json-file', join(dir, 's')]);
    await run.waitFor('All users spawned');
    await new Promise((resolve) => setTimeout(resolve, 500));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Shutting down (exit code 0)');
    const rows = readCsv(join(dir, 's_stats.csv'));
    const total = Number(rows.find((row) => row[1] === 'Aggregated')![2]);
    expect(total).toBe(finalSummary(r.stderr).get('Aggregated')!.requests);
    const json = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as Array<{ num_requests: number }>;
    expect(json.reduce((a, e) => a + e.num_requests, 0)).toBe(total);
  });

  it('prints the statistics as JSON with --json', async () => {
    const server = await startServer();
    const r = await runLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '1', '-r', '1', '-t', '1s', '--json', '--only-summary']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => e['name'])).toContain('/hello');
    expect(Object.keys(entries[0]!)).toEqual([
      'name', 'method', 'last_request_timestamp', 'start_time', 'num_requests', 'num_none_requests', 'num_failures',
      'total_response_time', 'max_response_time', 'min_response_time', 'total_content_length', 'response_times',
      'num_reqs_per_sec', 'num_fail_per_sec',
    ]);
  });
});

describe('the command line', () => {
  it('shows custom options in --help and passes them to users', async () => {
    const help = await runLocusta(['-f', join(FIXTURES, 'custom-option.ts'), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--model');
    expect(help.stdout).toContain('--spawn-rate');
    const r = await runLocusta(['-f', join(FIXTURES, 'custom-option.ts'), '--headless', '-u', '1', '-r', '1', '-t', '1s', '--model', 'qwen2.5:14b', 'OptionUser']);
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).has('OPT qwen2.5:14b')).toBe(true);
  });

  it('reads locust.conf and LOCUST_/LOCUSTA_ environment variables, the command line winning', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'locust.conf'), `locustfile = ${join(FIXTURES, 'custom-option.ts')}\nheadless\nusers = 1\nrun-time = 1s\nmodel = from-conf\n`);
    const r = await runLocusta(['OptionUser'], { cwd: dir, env: { LOCUSTA_SPAWN_RATE: '1', LOCUST_MODEL: 'from-env' } });
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).has('OPT from-env')).toBe(true);
    const r2 = await runLocusta(['OptionUser', '--model', 'from-cli'], { cwd: dir, env: { LOCUST_MODEL: 'from-env' } });
    expect(finalSummary(r2.stderr).has('OPT from-cli')).toBe(true);
  });

  it('lists classes, shows task ratios and the version', async () => {
    const list = await runLocusta(['-f', join(FIXTURES, 'custom-option.ts'), '-l']);
    expect(list.stdout).toBe('Available Users:\n    OptionUser\n    OtherUser\n');
    const ratio = await runLocusta(['-f', join(FIXTURES, 'custom-option.ts'), '--show-task-ratio-json']);
    const json = JSON.parse(ratio.stdout) as { per_class: Record<string, { ratio: number; tasks: Record<string, { ratio: number }> }> };
    expect(json.per_class['OtherUser']!.ratio).toBe(0.75);
    expect(json.per_class['OtherUser']!.tasks['a']!.ratio).toBeCloseTo(2 / 3, 9);
    const version = await runLocusta(['-V']);
    expect(version.stdout).toBe(`locusta ${(JSON.parse(readFileSync(join(ROOT, 'packages/locusta/package.json'), 'utf8')) as { version: string }).version} from ${join(ROOT, 'packages/locusta')} (Node ${process.version})\n`);
  });

  it('runs the inference example unchanged against the mock OpenAI server', async () => {
    const server = await createMockServer({ port: 0, speed: 50, capacity: 64, seed: 3 });
    onTestFinished(() => server.close());
    const dir = tempDir();
    const r = await runLocusta([
      '-f', join(ROOT, 'examples/inference/locustfile.ts'), '-H', server.url, '--headless',
      '-u', '20', '-r', '20', '-t', '3s', '-s', '5', '--model', 'llama3.2:1b', '--csv', join(dir, 'inf'),
    ]);
    expect(r.code).toBe(0);
    const total = readCsv(join(dir, 'inf_stats.csv')).find((row) => row[1] === 'Aggregated')!;
    expect(Number(total[2])).toBe(server.counters().byRoute['POST /v1/chat/completions']?.[200]);
    expect(Number(total[3])).toBe(0);
  });
});

describe('user files', () => {
  it('loads a folder recursively, skipping _helpers and abstract classes', async () => {
    const r = await runLocusta(['-f', join(FIXTURES, 'folder'), '-l']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Available Users:\n    FirstUser\n    SecondUser\n');
    const r2 = await runLocusta(['-f', `${join(FIXTURES, 'folder/first.ts')},${join(FIXTURES, 'simple.ts')}`, '-l']);
    expect(r2.stdout).toBe('Available Users:\n    FirstUser\n    SimpleUser\n');
  });

  it('removes the compiled copy a killed process left beside the user file, and only that', async () => {
    const dir = tempDir();
    const { copyFileSync, existsSync, writeFileSync } = await import('node:fs');
    copyFileSync(join(FIXTURES, 'simple.ts'), join(dir, 'locustfile.ts'));
    // Above Linux's largest pid: no process has it. The live one is this test's own process.
    const stale = join(dir, '.locustfile.ts.locusta-4194305.mjs');
    const live = join(dir, `.locustfile.ts.locusta-${process.pid}.mjs`);
    writeFileSync(stale, '');
    writeFileSync(live, '');
    const r = await runLocusta(['-l'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("resolves 'locusta' to the running CLI from a file outside the repository", async () => {
    const dir = tempDir();
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(FIXTURES, 'custom-option.ts'), join(dir, 'locustfile.ts'));
    const r = await runLocusta(['--headless', '-u', '1', '-r', '1', '-t', '1s', '--model', 'outside', 'OptionUser'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(finalSummary(r.stderr).has('OPT outside')).toBe(true);
  });
});
