// Helpers shared by this package's tests (not exported from the package).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Environment, Events } from '@locusta/core';
import type { User } from '@locusta/core';

/** Polls `condition` every 10 ms; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An environment of its own events, so tests in one process do not share listeners. */
export function testEnvironment(userClasses: Array<typeof User>, options: { host?: string; nodeId?: string; stopTimeout?: number } = {}): Environment {
  return new Environment({
    events: new Events(),
    userClasses: userClasses as never,
    host: options.host,
    nodeId: options.nodeId,
    // Long enough for every user to finish its request: a killed user's request is not recorded.
    stopTimeout: options.stopTimeout ?? 30,
  });
}

export interface ScriptedServer {
  url: string;
  /** The request headers and bodies received, in order. */
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

/** A server that answers every request with `answer`, recording what it received. */
export async function scriptedServer(answer: (res: http.ServerResponse, body: string) => void): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      answer(res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `data: <json>` events and `[DONE]`, as a text/event-stream body. */
export function sseBody(payloads: Array<unknown>): string {
  return payloads.map((p) => `data: ${typeof p === 'string' ? p : JSON.stringify(p)}\n\n`).join('');
}
