import { describe, expect, it } from 'vitest';
import { startFixture } from '../test-support/web-fixture.ts';
import { BasicAuth, decodeBasic } from './basic-auth.ts';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('HTTP basic auth', () => {
  it('guards every route but the static assets', async () => {
    const f = await startFixture({ server: { auth: 'admin:s3cr:et' } });
    for (const path of ['/', '/stats/requests', '/stats/requests/csv', '/metrics', '/stop', '/tasks', '/logs']) {
      const res = await fetch(`${f.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Locusta", charset="UTF-8"');
    }
    const post = await fetch(`${f.url}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '1', spawn_rate: '1' }) });
    expect(post.status).toBe(401);
    expect(f.runner.state).toBe('ready');

    for (const wrong of ['admin:s3cr', 'admin:s3cr:et2', 'Admin:s3cr:et', 'admin', '']) {
      expect((await fetch(`${f.url}/stats/requests`, { headers: { authorization: basic(wrong) } })).status, wrong).toBe(401);
    }
    expect((await fetch(`${f.url}/stats/requests`, { headers: { authorization: 'Bearer admin:s3cr:et' } })).status).toBe(401);

    const ok = await fetch(`${f.url}/stats/requests`, { headers: { authorization: basic('admin:s3cr:et') } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${f.url}/`, { headers: { authorization: basic('admin:s3cr:et') } })).status).toBe(200);
    for (const asset of ['app.js', 'app.css', 'uplot.js', 'uplot.css']) {
      expect((await fetch(`${f.url}/assets/${asset}`)).status, asset).toBe(200);
    }
  });

  it('decodes headers and refuses malformed credentials', () => {
    expect(decodeBasic(basic('u:p:q'))).toBe('u:p:q');
    expect(decodeBasic('basic   ' + Buffer.from('a:b').toString('base64'))).toBe('a:b');
    expect(decodeBasic(basic('nocolon'))).toBeUndefined();
    expect(decodeBasic('Basic !!!')).toBeUndefined();
    expect(decodeBasic(undefined)).toBeUndefined();
    expect(() => new BasicAuth('nocolon')).toThrow("Invalid web auth credentials: expected 'user:password'");
    expect(() => new BasicAuth(':p')).toThrow();
    const auth = new BasicAuth('u:');
    expect(auth.check(basic('u:'))).toBe(true);
    expect(auth.check(basic('u:x'))).toBe(false);
    expect(auth.check(undefined)).toBe(false);
  });
});
