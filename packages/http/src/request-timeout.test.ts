import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import { LocustaError } from '@locusta/core';
import { serve } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { userFor } from '../test-support/user-for.ts';

/**
 * `timeout` is one deadline for the whole request: connecting, the headers and the body, over
 * every redirect hop. The server below runs in this process, so its timers and the client's
 * fire in order of their due times: a server answering 200 ms after the deadline is late on
 * any machine, however loaded, which lets these tests check the deadline without timing
 * assertions. The 5 s and 10 s servers only bound how long a broken deadline would take.
 */

/** When the server saw each request's connection close (ms after the request arrived). */
interface Closes {
  closed: Promise<number>;
}

/** Calls `answer` after `delayMs`, unless the client closed the connection first. */
function later(req: IncomingMessage, res: ServerResponse, delayMs: number, answer: () => void): Closes {
  const arrived = performance.now();
  const timer = setTimeout(answer, delayMs);
  const closed = new Promise<number>((resolve) =>
    res.on('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - arrived);
    }),
  );
  return { closed };
}

/** Writes one byte every `everyMs` for `bytes` bytes (a declared length of `bytes`). */
function trickle(res: ServerResponse, bytes: number, everyMs: number): Closes {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    sent++;
    if (sent < bytes) res.write('x');
    else {
      clearInterval(timer);
      res.end('x');
    }
  }, everyMs);
  const arrived = performance.now();
  const closed = new Promise<number>((resolve) =>
    res.on('close', () => {
      clearInterval(timer);
      resolve(performance.now() - arrived);
    }),
  );
  return { closed };
}

describe('request timeout', () => {
  it('ends a request whose headers come 5 s late at the timeout, and closes its connection', async () => {
    let server: Closes | undefined;
    const origin = await serve((req, res) => {
      server = later(req, res, 5_000, () => res.end('late'));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/slow', { timeout: 0.3 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toMatch(/timed out .*\(timeout=0\.3\)/);
    const [event] = requests;
    expect((event!.exception as Error).name).toBe('TimeoutError');
    expect(event!.responseTime).toBeGreaterThanOrEqual(300);
    expect(event!.responseTime).toBeLessThan(5_000);
    // The server sees the connection closed, well before it would have answered.
    expect(await server!.closed).toBeLessThan(5_000);
  });

  it('times out a response that would come after the deadline, however close', async () => {
    const origin = await serve((req, res) => {
      later(req, res, 700, () => res.end('just late'));
    });
    const { client } = userFor(origin);
    const response = await client.get('/a-bit-late', { timeout: 0.5 });
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.status).toBe(0);
  });

  it('lets a response that comes before the deadline through', async () => {
    const origin = await serve((req, res) => {
      later(req, res, 100, () => res.end('in time'));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/in-time', { timeout: 0.5 });
    expect(response.status).toBe(200);
    expect(response.text()).toBe('in time');
    expect(requests[0]!.exception).toBeUndefined();
  });

  it('ends a body that trickles one byte a second at the timeout, not at its last byte', async () => {
    let server: Closes | undefined;
    const origin = await serve((req, res) => {
      server = trickle(res, 10, 1_000);
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/trickle', { timeout: 1 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toContain('timeout=1');
    expect((requests[0]!.exception as Error).name).toBe('TimeoutError');
    expect(requests[0]!.responseTime).toBeGreaterThanOrEqual(1_000);
    expect(requests[0]!.responseTime).toBeLessThan(10_000);
    expect(await server!.closed).toBeLessThan(10_000);
  });

  it('counts every redirect hop against one deadline', async () => {
    const origin = await serve((req, res) => {
      // Each hop alone is within the timeout; the two together are not.
      later(req, res, 300, () => {
        if (req.url === '/first') res.writeHead(302, { location: '/second' }).end();
        else res.end('second');
      });
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/first', { timeout: 0.5 });
    expect(response.error?.name).toBe('TimeoutError');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.name).toBe('/first');
  });

  it('ends a streamed body that trickles at the timeout, as a failure with the status kept', async () => {
    let server: Closes | undefined;
    const origin = await serve((req, res) => {
      server = trickle(res, 10, 1_000);
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/trickle', { stream: true, timeout: 1 });
    expect(response.status).toBe(200);
    let bytes = 0;
    for await (const chunk of response.chunks()) bytes += chunk.length;
    expect(bytes).toBeLessThan(10);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toContain('timeout=1');
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).name).toBe('TimeoutError');
    expect(requests[0]!.responseTime).toBeLessThan(10_000);
    expect(await server!.closed).toBeLessThan(10_000);
  });

  it('times out a streamed request whose headers come after the deadline', async () => {
    const origin = await serve((req, res) => {
      later(req, res, 700, () => res.end('just late'));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/a-bit-late', { stream: true, timeout: 0.5 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
    expect(requests).toHaveLength(1);
  });

  it('times out a connection whose TLS handshake never completes', async () => {
    // Accepts TCP connections and never answers the TLS hello.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => void sockets.add(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    const { client, requests } = userFor(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const response = await client.get('/', { timeout: 0.3 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toBe('Request timed out connecting (timeout=0.3)');
    expect(requests[0]!.responseTime).toBeLessThan(5_000);
  });

  it('refuses a timeout that is not a positive number of seconds', async () => {
    const origin = await serve((req, res) => res.end('ok'));
    const { client, requests } = userFor(origin);
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      const sent = client.get('/', { timeout });
      await expect(sent).rejects.toThrow(LocustaError);
      await expect(sent).rejects.toThrow(/timeout must be a positive number of seconds/);
    }
    expect(requests).toHaveLength(0);
  });
});
