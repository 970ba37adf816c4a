import { describe, expect, it } from 'vitest';
import { startFixture } from '../test-support/web-fixture.ts';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** Posts the login form; returns the reply, redirects not followed. */
function login(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ username, password }) });
}

describe('--web-login', () => {
  it('sends a browser to the login page, and a right login gets a session that opens every route', async () => {
    const f = await startFixture({ server: { auth: 'admin:s3cr:et', login: true } });
    const page = await fetch(`${f.url}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    const form = await fetch(`${f.url}/login`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="/login" id="login-form">');

    // The API answers 401 without basic auth's challenge, so a browser does not prompt.
    const api = await fetch(`${f.url}/stats/requests`);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBeNull();

    for (const [user, password] of [
      ['admin', 'wrong'],
      ['Admin', 's3cr:et'],
      ['admin:s3cr', 'et'],
      ['', ''],
    ] as const) {
      const refused = await login(f.url, user, password);
      expect(refused.status, `${user}/${password}`).toBe(303);
      expect(refused.headers.get('location')).toBe('/login?error=1');
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    expect(await (await fetch(`${f.url}/login?error=1`)).text()).toContain('Invalid username or password');

    const ok = await login(f.url, 'admin', 's3cr:et');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^locusta_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const session = { cookie: cookie.split(';')[0]! };
    expect((await fetch(`${f.url}/`, { headers: session })).status).toBe(200);
    expect((await fetch(`${f.url}/stats/requests`, { headers: session })).status).toBe(200);
    // A made-up session opens nothing.
    expect((await fetch(`${f.url}/stats/requests`, { headers: { cookie: 'locusta_session=forged' } })).status).toBe(401);

    // Scripts keep basic auth.
    expect((await fetch(`${f.url}/stats/requests`, { headers: { authorization: basic('admin:s3cr:et') } })).status).toBe(200);

    // Logging out ends the session.
    const out = await fetch(`${f.url}/logout`, { headers: session, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^locusta_session=; .*Max-Age=0$/);
    expect((await fetch(`${f.url}/stats/requests`, { headers: session })).status).toBe(401);
  });

  it('refuses a login posted by another site', async () => {
    const f = await startFixture({ server: { auth: 'a:b', login: true } });
    const res = await fetch(`${f.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'sec-fetch-site': 'cross-site' }, body: new URLSearchParams({ username: 'a', password: 'b' }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('has no /login without --web-login', async () => {
    const f = await startFixture({ server: { auth: 'a:b' } });
    expect((await fetch(`${f.url}/login`, { headers: { authorization: basic('a:b') } })).status).toBe(404);
  });
});
