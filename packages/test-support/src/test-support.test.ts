import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, recordRequests, scriptedServer, startServer, testEnvironment, waitUntil } from './index.ts';

describe('waitUntil', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let n = 0;
    await waitUntil(() => ++n >= 3);
    expect(n).toBe(3);
    await waitUntil(async () => true);
  });

  it('rejects once the time is up, naming the condition', async () => {
    await expect(waitUntil(() => false, 30)).rejects.toThrow(/^condition not met within 30 ms: \(\) => false$/);
  });
});

describe('loopback servers', () => {
  it('startServer counts requests per method and path, query included', async () => {
    const server = await startServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await fetch(`${server.url}/a?x=1`);
    await fetch(`${server.url}/a?x=1`);
    await fetch(`${server.url}/b`, { method: 'POST', body: 'hi' });
    expect(Object.fromEntries(server.counts)).toEqual({ 'GET /a?x=1': 2, 'POST /b': 1 });
    expect(server.total()).toBe(3);
  });

  it('scriptedServer answers as told and records URLs, headers and bodies', async () => {
    const server = await scriptedServer((res, body) => res.end(body.toUpperCase()));
    const res = await fetch(`${server.url}/echo`, { method: 'POST', body: 'abc', headers: { 'x-test': '1' } });
    expect(await res.text()).toBe('ABC');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ url: '/echo', body: 'abc', headers: { 'x-test': '1' } });
  });

  it('freePort gives a port where a connection is refused', async () => {
    const port = await freePort();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
    expect(error.code).toBe('ECONNREFUSED');
  });
});

describe('testEnvironment', () => {
  it('gives each environment events of its own, and records its request events', () => {
    const a = testEnvironment({ host: 'http://127.0.0.1:1', stopTimeout: 3 });
    const b = testEnvironment();
    expect(a.events).not.toBe(b.events);
    expect([a.host, a.stopTimeout]).toEqual(['http://127.0.0.1:1', 3]);
    const requests = recordRequests(a);
    a.events.request.fire({ requestType: 'GET', name: '/x', responseTime: 1, responseLength: 0 });
    b.events.request.fire({ requestType: 'GET', name: '/y', responseTime: 1, responseLength: 0 });
    expect(requests.map((r) => r.name)).toEqual(['/x']);
  });
});
