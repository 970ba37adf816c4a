import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '@locusta/test-support';
import { onTestFinished, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers.ts';
import { junitSchemaErrors } from './junit-schema.ts';

const EXAMPLE = join(ROOT, 'examples/ci');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
interface Workflow {
  jobs: Record<string, { services?: Record<string, { image: string; ports: string[] }>; env: Record<string, string>; steps: Step[] }>;
}

const workflow = parse(readFileSync(join(EXAMPLE, 'load-test.yml'), 'utf8')) as Workflow;
const job = workflow.jobs['load-test']!;
// The steps that run Locusta: `npm ci` and the actions are the runner's business.
const locustaSteps = job.steps.filter((s) => s.run?.includes('npx locusta'));

/**
 * Runs a step's shell script as the runner does (`bash -e`), in a folder of the repository (so
 * that `npx locusta` is this repository's built CLI) holding the example's user file, with the
 * job's environment and the test's overrides. Resolves with the exit code.
 */
function runStep(step: Step, env: Record<string, string>): Promise<{ code: number; stderr: string; dir: string }> {
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'test-output/ci-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(EXAMPLE, 'locustfile.ts'), join(dir, 'locustfile.ts'));
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-c', step.run!], { cwd: dir, env: { ...process.env, ...job.env, ...env }, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stderr, dir });
    });
  });
}

describe('the GitHub Actions example (examples/ci)', () => {
  it('runs a service container and a Locusta step that writes the JUnit report', () => {
    expect(Object.values(job.services ?? {}).map((s) => s.ports)).toEqual([['8080:80']]);
    expect(job.env['TARGET_URL']).toBe('http://127.0.0.1:8080');
    expect(locustaSteps).toHaveLength(1);
    expect(locustaSteps[0]!.run).toContain('--junit out/junit.xml');
    expect(job.steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report'))).toBeDefined();
  });

  it('passes against a target that answers in time (exit code 0)', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const r = await runStep(locustaSteps[0]!, { TARGET_URL: server.url, RUN_TIME: '3s' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('All SLOs passed (2)');
    expect(junitSchemaErrors(join(r.dir, 'out/junit.xml'))).toBe('');
    expect(readFileSync(join(r.dir, 'out/junit.xml'), 'utf8')).toContain('<testsuite name="SLOs" tests="2" failures="0"');
  });

  it('fails the step when the target is too slow for p95<500 (exit code 3)', async () => {
    const server = await startServer((_req, res) => void setTimeout(() => res.end('slow'), 700));
    const r = await runStep(locustaSteps[0]!, { TARGET_URL: server.url, RUN_TIME: '3s' });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/p95<500 +\d+ ms FAIL/);
    const xml = readFileSync(join(r.dir, 'out/junit.xml'), 'utf8');
    expect(xml).toMatch(/<failure message="SLO p95&lt;500 failed: measured \d+ ms, bound &lt; 500 ms"/);
  });
});
