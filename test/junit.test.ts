import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FIXTURES, ROOT, startLocusta } from './helpers.ts';
import { junitSchemaErrors } from './junit-schema.ts';

/** The test cases of a JUnit file: name, suite (classname) and failure message (undefined: passed). */
function cases(xml: string): Array<{ name: string; classname: string; failure: string | undefined }> {
  const out: Array<{ name: string; classname: string; failure: string | undefined }> = [];
  for (const m of xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    const failure = /<failure message="([^"]*)"/.exec(m[3]!)?.[1];
    const unescape = (s: string) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    out.push({ name: unescape(m[1]!), classname: m[2]!, failure: failure === undefined ? undefined : unescape(failure) });
  }
  return out;
}

/** A target whose answers take 20 ms. */
const slowServer = () => startServer((_req, res) => void setTimeout(() => res.end('ok'), 20));

describe('--junit FILE', () => {
  it('writes a test case per SLO, the failed one with the measured value and the bound, and exits with code 3', async () => {
    const server = await slowServer();
    const dir = tempDir();
    const file = join(dir, 'reports/junit.xml');
    const r = await startLocusta([
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '2',
      '--slo', 'p50<1', '--slo', 'fail_ratio<0.01', '--junit', file, '--json-file', join(dir, 'run'),
    ]).done;
    expect(r.code).toBe(3);
    const xml = readFileSync(file, 'utf8');
    expect(junitSchemaErrors(file)).toBe('');
    const [p50, ratio] = cases(xml);
    expect(p50!.name).toBe('p50<1');
    expect(p50!.classname).toBe('locusta.slos');
    // The 20 ms answers measure at least 20 ms: the message names that and the bound.
    expect(p50!.failure).toMatch(/^SLO p50<1 failed: measured (\d+(\.\d+)?) ms, bound < 1 ms$/);
    expect(Number(/measured ([\d.]+) ms/.exec(p50!.failure!)![1])).toBeGreaterThanOrEqual(20);
    expect(ratio).toEqual({ name: 'fail_ratio<0.01', classname: 'locusta.slos', failure: undefined });
    expect(xml).toMatch(/<testsuite name="SLOs" tests="2" failures="1"/);
    expect(xml).toContain('<property name="stop_reason" value="--run-time limit reached, shutting down"/>');
    // The same verdicts as JSON beside NAME.json.
    const json = JSON.parse(readFileSync(join(dir, 'run_verdicts.json'), 'utf8')) as { passed: boolean; verdicts: Array<{ name: string; pass: boolean; bound: string }> };
    expect(json.passed).toBe(false);
    expect(json.verdicts.map((v) => [v.name, v.pass, v.bound])).toEqual([['p50<1', false, '< 1 ms'], ['fail_ratio<0.01', true, '< 0.01']]);
  });

  it('is written when Ctrl-C stops the run', async () => {
    const server = await slowServer();
    const file = join(tempDir(), 'junit.xml');
    const run = startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '60', '--slo', 'p99<100000', '--junit', file]);
    await run.waitFor('All users spawned');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(junitSchemaErrors(file)).toBe('');
    const xml = readFileSync(file, 'utf8');
    expect(cases(xml)).toEqual([{ name: 'p99<100000', classname: 'locusta.slos', failure: undefined }]);
    expect(xml).toContain('value="Got a stop signal, shutting down');
  });

  it('is written when the last worker is lost', async () => {
    const server = await slowServer();
    const port = await freePort();
    const file = join(tempDir(), 'junit.xml');
    const master = startLocusta([
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--headless', '-u', '2', '-r', '2', '-t', '60s', '--slo', 'p50<1', '--junit', file,
    ]);
    await master.waitFor('Master listening');
    const worker = startLocusta(['-f', join(FIXTURES, 'steady.ts'), '--worker', '--master-host', '127.0.0.1', '--master-port', String(port)]);
    await master.waitFor('All users spawned');
    // Past the first report (every 3 s), so that the SLO has numbers to fail on.
    await master.waitFor(/p50<1 failed/);
    worker.child.kill('SIGKILL');
    const r = await master.done;
    expect(r.code).toBe(3);
    expect(junitSchemaErrors(file)).toBe('');
    const [p50] = cases(readFileSync(file, 'utf8'));
    expect(p50!.failure).toMatch(/^SLO p50<1 failed: measured [\d.]+ ms, bound < 1 ms$/);
  });

  it('has a test case per step of a saturation search', async () => {
    let inFlight = 0;
    // 10 ms × n² for n requests in flight: 1 user sees ~10 ms, 2 users ~40 ms.
    const server = await startServer((_req, res) => {
      inFlight++;
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 10 * inFlight * inFlight);
    });
    const file = join(tempDir(), 'junit.xml');
    const r = await startLocusta([
      '-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-r', '100', '-u', '3',
      '--step-users', '1', '--step-time', '3s', '--step-settle', '1', '--step-continue', '--slo', 'p50<25', '--junit', file,
    ]).done;
    expect(r.code).toBe(0);
    expect(junitSchemaErrors(file)).toBe('');
    const steps = cases(readFileSync(file, 'utf8'));
    expect(steps.map((s) => [s.name, s.classname])).toEqual([['step 1: 1 users', 'locusta.steps'], ['step 2: 2 users', 'locusta.steps'], ['step 3: 3 users', 'locusta.steps']]);
    expect(steps[0]!.failure).toBeUndefined();
    expect(steps[2]!.failure).toMatch(/^step 3 \(3 users\) failed: p50<25 measured [\d.]+ ms, bound < 25 ms$/);
  });

  it('has a test case per goodput bound, judged on the requests of every worker', async () => {
    const server = await createMockServer({ port: 0, speed: 40, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const file = join(tempDir(), 'junit.xml');
    const r = await startLocusta([
      '-f', join(ROOT, 'examples/llm-streaming/locustfile.ts'), '-H', server.url, '--headless', '-u', '4', '-r', '20', '-t', '3', '-s', '20',
      '--processes', '2', '--master-bind-port', '0', '--goodput', 'ttft:1', 'e2e:60000', '--junit', file,
    ]).done;
    // Goodput is a finding: the exit code stays 0.
    expect(r.code).toBe(0);
    expect(junitSchemaErrors(file)).toBe('');
    const xml = readFileSync(file, 'utf8');
    const [ttft, e2e] = cases(xml);
    const streams = server.counters().streams.completed;
    expect(streams).toBeGreaterThan(0);
    // No streamed answer's first token comes within 1 ms at this speed: every one broke the bound.
    expect(ttft).toEqual({ name: 'ttft<=1 ms', classname: 'locusta.goodput', failure: expect.stringMatching(new RegExp(`^goodput bound ttft:1 broken by ${streams} of ${streams} requests \\(100\\.00%\\), p99 [\\d.]+ ms, max [\\d.]+ ms; bound <= 1 ms per request$`)) });
    expect(e2e).toEqual({ name: 'e2e<=60000 ms', classname: 'locusta.goodput', failure: undefined });
    expect(xml).toMatch(/<testsuite name="Goodput" tests="2" failures="1"/);
  });

  it('names the SLO that stopped the run with --slo-abort', async () => {
    const server = await slowServer();
    const file = join(tempDir(), 'junit.xml');
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '60', '--slo', 'p95<5', '--slo-abort', '--junit', file]).done;
    expect(r.code).toBe(3);
    const [p95] = cases(readFileSync(file, 'utf8'));
    expect(p95!.failure).toMatch(/^SLO p95<5 failed: measured [\d.]+ ms, bound < 5 ms \(it stopped the run: --slo-abort\)$/);
    expect(readFileSync(file, 'utf8')).toContain('<property name="stop_reason" value="SLO p95&lt;5 failed');
  });

  it('refuses a path where no file can be written, before the run', async () => {
    const dir = tempDir();
    const plainFile = join(dir, 'plain');
    writeFileSync(plainFile, '');
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', 'http://127.0.0.1:1', '--headless', '-t', '1', '--junit', join(plainFile, 'junit.xml')]).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`locusta: error: argument --junit: cannot write '${join(plainFile, 'junit.xml')}': ${plainFile} is not a directory`]);
  });
});
