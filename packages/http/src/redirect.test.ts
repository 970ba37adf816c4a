import { bodyOf, recordRequests, serve, testEnvironment } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HttpUser } from './http-user.ts';

class TestUser extends HttpUser {}

function userFor(host: string) {
  const env = testEnvironment({ host: host });
  const requests = recordRequests(env);
  const user = new TestUser(env);
  onTestFinished(() => user.client.close(true));
  return { client: user.client, requests };
}

async function redirectServer() {
  const seen: string[] = [];
  const origin = await serve(async (req, res) => {
    const body = await bodyOf(req);
    seen.push(`${req.method} ${req.url} ${body}`.trim());
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/final') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, body, cookie: req.headers.cookie ?? null }));
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else {
      const status = Number(url.searchParams.get('status') ?? 302);
      const headers: Record<string, string> = { location: '/final' };
      if (url.searchParams.has('cookie')) headers['set-cookie'] = 'sid=abc; Path=/';
      res.writeHead(status, headers).end('moved');
    }
  });
  return { origin, seen };
}

describe('redirects', () => {
  it('follows a redirect and records one event under the first URL', async () => {
    const { origin, seen } = await redirectServer();
    const { client, requests } = userFor(origin);
    const response = await client.get('/start?x=1');
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${origin}/final`);
    expect(response.json().method).toBe('GET');
    expect(seen).toEqual(['GET /start?x=1', 'GET /final']);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ name: '/start?x=1', url: `${origin}/start?x=1`, exception: undefined });
    expect(requests[0]!.responseLength).toBe(response.size);
  });

  it('does not follow for HEAD, nor with allowRedirects false', async () => {
    const { origin, seen } = await redirectServer();
    const { client, requests } = userFor(origin);
    const head = await client.head('/start');
    const get = await client.get('/start', { allowRedirects: false });
    expect([head.status, get.status]).toEqual([302, 302]);
    expect(get.headers.location).toBe('/final');
    expect(get.text()).toBe('moved');
    expect(seen).toEqual(['HEAD /start', 'GET /start']);
    expect(requests.map((r) => r.exception)).toEqual([undefined, undefined]);
    const followedHead = await client.head('/start', { allowRedirects: true });
    expect(followedHead.url).toBe(`${origin}/final`);
  });

  it('turns POST into GET on 302/303 and keeps method and body on 307', async () => {
    const { origin } = await redirectServer();
    const { client } = userFor(origin);
    expect((await client.post('/a?status=302', { json: { a: 1 } })).json()).toMatchObject({ method: 'GET', body: '' });
    expect((await client.put('/a?status=303', { body: 'x' })).json()).toMatchObject({ method: 'GET', body: '' });
    expect((await client.post('/a?status=307', { json: { a: 1 } })).json()).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
    });
  });

  it('keeps cookies set by the redirect response', async () => {
    const { origin } = await redirectServer();
    const { client } = userFor(origin);
    expect((await client.post('/login?cookie=1')).json().cookie).toBe('sid=abc');
  });

  it('gives up after 30 redirects with a TooManyRedirects failure', async () => {
    const { origin, seen } = await redirectServer();
    const { client, requests } = userFor(origin);
    const response = await client.get('/loop');
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TooManyRedirects');
    expect(seen).toHaveLength(31);
    expect((requests[0]!.exception as Error).message).toBe('Exceeded 30 redirects.');
  });
});
