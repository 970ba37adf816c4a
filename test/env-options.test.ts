import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@locusta/mock-openai';
import { freePort, startServer, tempDir } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { finalSummary, FIXTURES, ROOT, startLocusta } from './helpers.ts';

// Every option can be set through the environment: LOCUSTA_<NAME>, and Locust's own LOCUST_*
// variable for the options Locust has. One real run per family of options.

describe('options from environment variables', () => {
  it('run options: LOCUSTA_USERS, LOCUST_SPAWN_RATE, LOCUSTA_RUN_TIME, LOCUSTA_HEADLESS, LOCUSTA_HOST', async () => {
    const server = await startServer();
    const r = await startLocusta(['-f', join(FIXTURES, 'simple.ts')], {
      env: { LOCUSTA_HOST: server.url, LOCUSTA_HEADLESS: 'true', LOCUSTA_USERS: '3', LOCUST_SPAWN_RATE: '3', LOCUSTA_RUN_TIME: '2s', LOCUSTA_STOP_TIMEOUT: '5' },
    }).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SimpleUser": 3} (3 total users)');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
  });

  it('output options: LOCUSTA_CSV, LOCUSTA_HTML, LOCUSTA_HDR_LOG, LOCUSTA_JSON_FILE', async () => {
    const server = await startServer();
    const dir = tempDir();
    const r = await startLocusta(['-f', join(FIXTURES, 'simple.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '5'], {
      env: {
        LOCUSTA_CSV: join(dir, 'run'),
        LOCUSTA_HTML: join(dir, 'report.html'),
        LOCUSTA_HDR_LOG: join(dir, 'run.hlog'),
        LOCUSTA_JSON_FILE: join(dir, 'final'),
      },
    }).done;
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'run_stats.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<html');
    expect(readFileSync(join(dir, 'run.hlog'), 'utf8')).toContain('#[StartTime:');
    const json = JSON.parse(readFileSync(join(dir, 'final.json'), 'utf8')) as Array<{ num_requests: number }>;
    expect(json.reduce((s, e) => s + e.num_requests, 0)).toBe(server.total());
  });

  it('SLO options: LOCUSTA_SLO and LOCUSTA_SLO_ABORT stop the run and exit 3', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.end('x'), 20));
    const r = await startLocusta(['-f', join(FIXTURES, 'steady.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '10', '-t', '60'], {
      env: { LOCUSTA_SLO: 'p50<1', LOCUSTA_SLO_ABORT: 'true' },
    }).done;
    expect(r.stderr).toMatch(/SLO p50<1 failed \([\d.]+ ms\), stopping the run \(--slo-abort\)/);
    expect(r.code).toBe(3);
  });

  it('LLM options: LOCUSTA_GOODPUT sets the goodput bounds', async () => {
    const server = await createMockServer({ port: 0, speed: 200, capacity: 64, seed: 5, jitter: 0 });
    onTestFinished(() => server.close());
    const r = await startLocusta(['-f', join(ROOT, 'examples/llm-streaming/locustfile.ts'), '-H', server.url, '--headless', '-u', '2', '-r', '20', '-t', '2', '-s', '20'], {
      env: { LOCUSTA_GOODPUT: 'ttft:5000 e2e:60000' },
    }).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('goodput: ttft:5000 e2e:60000');
  });

  it('distributed options: a master given its token, port and worker count only through the environment', async () => {
    const server = await startServer();
    const port = await freePort();
    const file = join(FIXTURES, 'slow.ts');
    const master = startLocusta(['-f', file, '-H', server.url, '--headless', '-u', '2', '-r', '2', '-t', '2s', '-s', '2'], {
      env: { LOCUSTA_MASTER: 'true', LOCUSTA_MASTER_BIND_HOST: '127.0.0.1', LOCUSTA_MASTER_BIND_PORT: String(port), LOCUSTA_EXPECT_WORKERS: '1', LOCUSTA_MASTER_TOKEN: 'secret' },
    });
    await master.waitFor('Master listening');
    // No token: refused with one line, non-zero exit; the master names it.
    const intruder = await startLocusta(['-f', file, '--worker', '--master-port', String(port)]).done;
    expect(intruder.code).not.toBe(0);
    expect(intruder.stderr.trim().split('\n').filter((l) => /ERROR|error/.test(l))).toHaveLength(1);
    expect(intruder.stderr).toContain('wrong or missing --master-token');
    expect(master.output().stderr).not.toContain('All users spawned');
    // The token (and the master's port) through the environment: accepted, and the run happens.
    const good = startLocusta(['-f', file], { env: { LOCUSTA_WORKER: 'true', LOCUSTA_MASTER_PORT: String(port), LOCUSTA_MASTER_TOKEN: 'secret' } });
    const r = await master.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('All users spawned: {"SlowUser": 2} (2 total users)');
    expect(finalSummary(r.stderr).get('Aggregated')!.requests).toBe(server.total());
    expect((await good.done).code).toBe(0);
  });
});
