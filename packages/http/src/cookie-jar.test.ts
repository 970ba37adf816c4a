import { serve, testEnvironment } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CookieJar } from './cookie-jar.ts';
import { HttpUser } from './http-user.ts';

describe('CookieJar', () => {
  it('matches host-only cookies to their host only', () => {
    const jar = new CookieJar();
    jar.store('a=1', 'api.test', '/');
    expect(jar.header('api.test', '/x', false)).toBe('a=1');
    expect(jar.header('www.api.test', '/x', false)).toBeUndefined();
  });

  it('matches Domain cookies to subdomains and rejects foreign domains', () => {
    const jar = new CookieJar();
    jar.store(['a=1; Domain=.shop.test', 'b=2; Domain=other.test'], 'www.shop.test', '/');
    expect(jar.header('shop.test', '/', false)).toBe('a=1');
    expect(jar.header('img.shop.test', '/', false)).toBe('a=1');
    expect(jar.header('evilshop.test', '/', false)).toBeUndefined();
    expect(jar.size).toBe(1);
  });

  it('scopes cookies by path, defaulting to the directory of the request path', () => {
    const jar = new CookieJar();
    jar.store('p=1; Path=/api', 'h', '/');
    jar.store('d=2', 'h', '/docs/page?x=1');
    expect(jar.header('h', '/api/items?q=1', false)).toBe('p=1');
    expect(jar.header('h', '/apix', false)).toBeUndefined();
    expect(jar.header('h', '/docs/other', false)).toBe('d=2');
  });

  it('expires cookies and replaces or deletes them by name, domain and path', () => {
    const jar = new CookieJar();
    const now = 1_000_000;
    jar.store(['s=1; Max-Age=10', 't=1'], 'h', '/', now);
    expect(jar.header('h', '/', false, now + 5_000)).toBe('s=1; t=1');
    expect(jar.header('h', '/', false, now + 11_000)).toBe('t=1');
    jar.store('t=2', 'h', '/', now);
    expect(jar.toJSON(now)).toEqual({ s: '1', t: '2' });
    jar.store('t=; Max-Age=0', 'h', '/', now);
    jar.store('s=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'h', '/', now);
    expect(jar.size).toBe(0);
  });

  it('sends Secure cookies over https only', () => {
    const jar = new CookieJar();
    jar.store('s=1; Secure', 'h', '/');
    expect(jar.header('h', '/', false)).toBeUndefined();
    expect(jar.header('h', '/', true)).toBe('s=1');
  });
});

describe('HttpSession cookies', () => {
  it('keeps cookies per user, not shared between users', async () => {
    const origin = await serve((req, res) => {
      if (req.url === '/login') res.setHeader('set-cookie', ['sid=u1; Path=/; HttpOnly', 'theme=dark']);
      res.end(req.headers.cookie ?? '');
    });
    const env = testEnvironment({ host: origin });
    class ShopUser extends HttpUser {}
    const first = new ShopUser(env);
    const second = new ShopUser(env);
    onTestFinished(() => {
      first.client.close(true);
      second.client.close(true);
    });
    await first.client.get('/login');
    expect((await first.client.get('/me')).text()).toBe('sid=u1; theme=dark');
    expect((await second.client.get('/me')).text()).toBe('');
    expect(first.client.cookies.toJSON()).toEqual({ sid: 'u1', theme: 'dark' });
    // An explicit Cookie header wins over the jar, as in requests.
    expect((await first.client.get('/me', { headers: { Cookie: 'x=1' } })).text()).toBe('x=1');
  });
});
