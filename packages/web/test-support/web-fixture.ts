import type { UserClass } from '@locusta/core';
import type { Environment } from '@locusta/core';
import { User, constant, task } from '@locusta/core';
import { LocalRunner } from '@locusta/runner';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { testEnvironment } from '@locusta/test-support';
import { onTestFinished } from 'vitest';
import { LogBuffer } from '../src/log-buffer.ts';
import { adaptRunner } from '../src/runner-adapter.ts';
import type { WebRunner } from '../src/web-runner.ts';
import type { WebServerOptions } from '../src/web-server.ts';
import { WebServer } from '../src/web-server.ts';

/** An entry name and error text that would run script if a page put them into markup. */
export const HOSTILE = `<img src=x onerror="window.__pwned=1">'&"</td><script>window.__pwned=2</script>`;

/** Requests with known response times: /hello (10-30 ms), POST /items (50 ms), a failing /missing. */
export class ApiUser extends User {
  static override weight = 3;
  waitTime = constant(0.05);
  n = 0;

  @task(3) hello(): void {
    this.n++;
    this.environment.events.request.fire({ requestType: 'GET', name: '/hello', responseTime: 10 + (this.n % 3) * 10, responseLength: 100 });
  }

  @task items(): void {
    this.environment.events.request.fire({ requestType: 'POST', name: '/items', responseTime: 50, responseLength: 20 });
  }

  @task missing(): void {
    this.environment.events.request.fire({ requestType: 'GET', name: '/missing', responseTime: 5, responseLength: 0, exception: new Error('404 Not Found') });
  }
}

/** Fires the hostile name as a request and as a failure, and throws it as an exception. */
export class HostileUser extends User {
  waitTime = constant(0.1);

  @task fire(): void {
    this.environment.events.request.fire({ requestType: 'GET', name: HOSTILE, responseTime: 7, responseLength: 1, exception: HOSTILE });
  }

  @task boom(): void {
    throw new Error(HOSTILE);
  }
}

export interface Fixture {
  env: Environment;
  runner: LocalRunner;
  web: WebRunner;
  server: WebServer;
  logs: LogBuffer;
  /** The base URL of the UI, base path included, no trailing slash. */
  url: string;
  port: number;
}

/**
 * A WebServer on 127.0.0.1 (free port) around a real LocalRunner; the test ends by stopping
 * the runner and closing the server.
 */
export async function startFixture(
  options: { classes?: UserClass[]; server?: Partial<WebServerOptions>; stopTimeout?: number } = {},
): Promise<Fixture> {
  const env = testEnvironment({
    userClasses: options.classes ?? [ApiUser],
    stopTimeout: options.stopTimeout ?? 0,
    host: 'http://127.0.0.1:1',
  });
  const runner = new LocalRunner(env, new RequestStats({ windowedEntries: true }), new ExceptionStats());
  const web = adaptRunner(runner);
  const logs = new LogBuffer();
  const server = new WebServer({ runner: web, host: '127.0.0.1', port: 0, logs, statsCacheMs: 0, historyIntervalMs: 1000, ...options.server });
  const { port } = await server.listen();
  onTestFinished(async () => {
    await runner.quit();
    await server.close();
  });
  const base = options.server?.basePath?.replace(/\/+$/, '') ?? '';
  return { env, runner, web, server, logs, url: `http://127.0.0.1:${port}${base}`, port };
}

/** POSTs form fields to /swarm. */
export function postSwarm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/swarm`, { method: 'POST', body: new URLSearchParams(fields), headers });
}
