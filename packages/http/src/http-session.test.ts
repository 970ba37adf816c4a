import { LocustaError } from '@locusta/core';
import { echo, freePort, recordRequests, serve, testEnvironment } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { userFor } from '../test-support/user-for.ts';
import { HttpUser } from './http-user.ts';

describe('HttpSession requests', () => {
  it('sends a GET and records one request event', async () => {
    const origin = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'X-Thing': 'a' });
      res.end('{"content":"hé"}');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/hello');
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers['x-thing']).toBe('a');
    expect(response.url).toBe(`${origin}/hello`);
    expect(response.text()).toBe('{"content":"hé"}');
    expect(response.json()).toEqual({ content: 'hé' });
    expect(response.json()).toBe(response.json());
    expect(response.size).toBe(Buffer.byteLength('{"content":"hé"}'));
    expect(response.error).toBeUndefined();
    expect(requests).toHaveLength(1);
    const [event] = requests;
    expect(event).toMatchObject({
      requestType: 'GET',
      name: '/hello',
      responseLength: response.size,
      response,
      context: {},
      exception: undefined,
      url: `${origin}/hello`,
    });
    expect(event!.responseTime).toBeGreaterThan(0);
    expect(event!.responseTime).toBe(response.elapsed);
    expect(Math.abs(event!.startTime! - Date.now() / 1000)).toBeLessThan(60);
  });

  it('serialises json and sets content-type unless a header sets it', async () => {
    const origin = await serve(echo);
    const { client } = userFor(origin);
    const plain = (await client.post('/v1', { json: { a: [1, 2] } })).json();
    expect(plain).toMatchObject({ method: 'POST', body: '{"a":[1,2]}' });
    expect(plain.headers['content-type']).toBe('application/json');
    const custom = (
      await client.put('/v1', { json: 'x', headers: { 'Content-Type': 'application/vnd.x+json', 'X-Key': 'k' } })
    ).json();
    expect(custom).toMatchObject({ method: 'PUT', body: '"x"' });
    expect(custom.headers['content-type']).toBe('application/vnd.x+json');
    expect(custom.headers['x-key']).toBe('k');
  });

  it('sends string and binary bodies with the given headers', async () => {
    const origin = await serve(echo);
    const { client } = userFor(origin);
    const text = (await client.patch('/t', { body: 'a=1', headers: { 'content-type': 'text/plain' } })).json();
    expect(text).toMatchObject({ method: 'PATCH', body: 'a=1' });
    expect(text.headers['content-type']).toBe('text/plain');
    const bytes = (await client.post('/b', { body: new Uint8Array([104, 105]) })).json();
    expect(bytes.body).toBe('hi');
    const buffer = (await client.delete('/c', { body: Buffer.from('yo') })).json();
    expect(buffer).toMatchObject({ method: 'DELETE', body: 'yo' });
  });

  it('gives the response headers as undici parses them, and stores cookies from headers never read', async () => {
    const origin = await serve((req, res) => {
      if (req.url === '/set') {
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('X-Multi', ['one', 'two']);
      }
      res.end(req.headers.cookie ?? '');
    });
    const { client } = userFor(origin);
    await client.get('/set');
    // The first response's headers were never read: its cookies are stored all the same.
    expect((await client.get('/echo')).text()).toBe('a=1; b=2');
    const response = await client.get('/set');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(response.headers['x-multi']).toEqual(['one', 'two']);
    expect(response.headers['content-length']).toBe('8');
    expect(response.headers).toBe(response.headers);
  });

  it('appends query options and names the request by path and query', async () => {
    const origin = await serve(echo);
    const { client, requests } = userFor(origin);
    const first = await client.get('/search', { query: { q: 'a b', page: 2, skip: undefined } });
    expect(first.json().url).toBe('/search?q=a+b&page=2');
    const second = await client.get('/search?x=1', { query: { tag: ['a', 'b'] } });
    expect(second.json().url).toBe('/search?x=1&tag=a&tag=b');
    expect(requests.map((r) => r.name)).toEqual(['/search?q=a+b&page=2', '/search?x=1&tag=a&tag=b']);
  });

  it('groups requests under the name option', async () => {
    const origin = await serve(echo);
    const { client, requests } = userFor(origin);
    await client.get('/item/1', { name: '/item/[id]' });
    await client.get('/item/2', { name: '/item/[id]' });
    expect(requests.map((r) => [r.name, r.url])).toEqual([
      ['/item/[id]', `${origin}/item/1`],
      ['/item/[id]', `${origin}/item/2`],
    ]);
  });

  it('joins relative URLs to a base path and uses absolute URLs as they are', async () => {
    const origin = await serve(echo);
    const other = await serve(echo);
    const { client, requests } = userFor(`${origin}/api/`);
    expect((await client.get('/x')).json().url).toBe('/api/x');
    expect((await client.get('y')).json().url).toBe('/api/y');
    const absolute = await client.get(`${other}/z?k=v`);
    expect(absolute.json().url).toBe('/z?k=v');
    expect(absolute.url).toBe(`${other}/z?k=v`);
    expect(requests.map((r) => r.name)).toEqual(['/api/x', '/api/y', '/z?k=v']);
    await expect(client.get('ftp://example.com/file')).rejects.toThrow(LocustaError);
    expect(requests).toHaveLength(3);
  });

  it('sends head and options requests', async () => {
    const origin = await serve(echo);
    const { client, requests } = userFor(origin);
    const head = await client.head('/h');
    expect(head.status).toBe(200);
    expect(head.size).toBe(0);
    expect((await client.options('/o')).json().method).toBe('OPTIONS');
    expect(requests.map((r) => [r.requestType, r.responseLength])).toEqual([
      ['HEAD', 0],
      ['OPTIONS', expect.any(Number)],
    ]);
  });

  it('merges the request context over user.context()', async () => {
    const origin = await serve(echo);
    const env = testEnvironment({ host: origin });
    const requests = recordRequests(env);
    class ContextUser extends HttpUser {
      override context() {
        return { tenant: 't1', region: 'eu' };
      }
    }
    const user = new ContextUser(env);
    onTestFinished(() => user.client.close(true));
    await user.client.get('/', { context: { region: 'us', model: 'm' } });
    await user.client.get('/');
    expect(requests.map((r) => r.context)).toEqual([
      { tenant: 't1', region: 'us', model: 'm' },
      { tenant: 't1', region: 'eu' },
    ]);
  });
});

describe('HttpSession failures', () => {
  it('records status >= 400 as an HTTPError named like requests', async () => {
    const origin = await serve((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 503;
      res.end('nope');
    });
    const { client, requests } = userFor(origin);
    const missing = await client.get('/missing');
    expect(missing.status).toBe(404);
    expect(missing.ok).toBe(false);
    expect(missing.text()).toBe('nope');
    await client.post('/busy?x=1', { name: 'busy' });
    const [e404, e503] = requests.map((r) => r.exception as Error);
    expect(e404!.name).toBe('HTTPError');
    // As Locust: the full URL, or the name when one is given.
    expect(e404!.message).toBe(`404 Client Error: Not Found for url: ${origin}/missing`);
    expect(e503!.message).toBe('503 Server Error: Service Unavailable for url: busy');
    expect(e404).toMatchObject({ status: 404, method: 'GET', url: `${origin}/missing` });
    expect(e503).toMatchObject({ status: 503, method: 'POST', url: `${origin}/busy?x=1` });
    expect(requests[0]!.responseLength).toBe(4);
  });

  it('names the URL after redirects in an HTTPError, and one message per name for grouping', async () => {
    const origin = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/gone?v=2' }).end();
      else res.writeHead(404).end();
    });
    const { client, requests } = userFor(origin);
    await client.get('/old');
    await client.get('/item/1', { name: '/item/[id]' });
    await client.get('/item/2', { name: '/item/[id]' });
    await client.get('/item/3');
    const messages = requests.map((r) => (r.exception as Error).message);
    expect(messages).toEqual([
      `404 Client Error: Not Found for url: ${origin}/gone?v=2`,
      '404 Client Error: Not Found for url: /item/[id]',
      '404 Client Error: Not Found for url: /item/[id]',
      `404 Client Error: Not Found for url: ${origin}/item/3`,
    ]);
    expect(requests[0]!.name).toBe('/old');
  });

  it('turns a refused connection into status 0 and a recorded failure, without throwing', async () => {
    const port = await freePort();
    const { client, requests } = userFor(`http://127.0.0.1:${port}`);
    const response = await client.get('/down');
    expect(response.status).toBe(0);
    expect(response.ok).toBe(false);
    expect(response.size).toBe(0);
    expect(response.error?.name).toBe('ConnectionRefusedError');
    expect(response.error?.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBe(response.error);
    expect(requests[0]!.name).toBe('/down');
  });

  it('times out a response that does not come within timeout seconds', async () => {
    const origin = await serve(() => {
      // Never answers; the server closes the socket after the test.
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/slow', { timeout: 0.2 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toContain('timeout=0.2');
    expect((requests[0]!.exception as Error).name).toBe('TimeoutError');
  });

  it('times out a body that stalls', async () => {
    const origin = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('abc');
    });
    const { client } = userFor(origin);
    const response = await client.get('/stall', { timeout: 0.2 });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('TimeoutError');
  });
});
