import { existsSync } from 'node:fs';
import { LocustaError } from '@locusta/core';
import { selfSignedCertificate, serveHttps, testEnvironment } from '@locusta/test-support';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { userFor } from '../test-support/user-for.ts';
import { HttpUser } from './http-user.ts';

const openssl = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));

describe.skipIf(!openssl)('TLS certificate verification', () => {
  let tls: { cert: string; key: string };
  let other: { cert: string; key: string };
  beforeAll(() => {
    tls = selfSignedCertificate(openssl!);
    other = selfSignedCertificate(openssl!);
  });

  const hello = () => serveHttps(tls, (req, res) => res.end('hello'));

  it('fails a self-signed certificate by default, as a recorded SSLError', async () => {
    const origin = await hello();
    const { client, requests } = userFor(origin);
    const response = await client.get('/');
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('SSLError');
    expect(response.error?.message).toBe('certificate verify failed: self-signed certificate');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBe(response.error);
  });

  it('skips verification with client.insecure', async () => {
    const origin = await hello();
    const { client, requests } = userFor(origin);
    client.insecure = true;
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.text()).toBe('hello');
    expect(requests[0]!.exception).toBeUndefined();
  });

  it('skips verification for a user class with insecure (static or instance field)', async () => {
    const origin = await hello();
    class StaticInsecure extends HttpUser {
      static override insecure = true;
    }
    class FieldInsecure extends HttpUser {
      override insecure = true;
    }
    for (const Class of [StaticInsecure, FieldInsecure]) {
      const user = new Class(testEnvironment({ host: origin }));
      onTestFinished(() => user.client.close(true));
      expect(user.client.insecure).toBe(true);
      expect((await user.client.get('/')).status).toBe(200);
    }
  });

  it('trusts the certificates given as ca (PEM text or Buffer), and only those', async () => {
    const origin = await hello();
    const { client } = userFor(origin);
    client.ca = tls.cert;
    expect((await client.get('/')).status).toBe(200);
    client.ca = Buffer.from(tls.cert);
    expect((await client.get('/')).status).toBe(200);
    client.ca = [other.cert, tls.cert];
    expect((await client.get('/')).status).toBe(200);
    client.ca = other.cert;
    const wrong = await client.get('/');
    expect(wrong.error?.name).toBe('SSLError');
    expect(wrong.error?.message).toMatch(/^certificate verify failed: /);
  });

  it('takes insecure and ca per request, on connections of their own', async () => {
    const origin = await hello();
    const { client } = userFor(origin);
    expect((await client.get('/', { insecure: true })).status).toBe(200);
    // The connection opened without verification is not reused for a verified request.
    expect((await client.get('/')).error?.name).toBe('SSLError');
    expect((await client.get('/', { ca: tls.cert })).status).toBe(200);
    client.insecure = true;
    expect((await client.get('/', { insecure: false })).error?.name).toBe('SSLError');
    const streamed = await client.get('/', { stream: true });
    expect(streamed.status).toBe(200);
    for await (const chunk of streamed.chunks()) expect(Buffer.from(chunk).toString()).toBe('hello');
  });

  it('refuses a ca that is not PEM text, naming the option', async () => {
    const origin = await hello();
    const { client, requests } = userFor(origin);
    const message =
      "ca must be PEM text (-----BEGIN CERTIFICATE-----...), not '/etc/ssl/my-ca.pem': read a file with readFileSync(path, 'utf8')";
    expect(() => (client.ca = '/etc/ssl/my-ca.pem')).toThrow(LocustaError);
    expect(() => (client.ca = '/etc/ssl/my-ca.pem')).toThrow(message);
    expect(client.ca).toBeUndefined();
    await expect(client.get('/', { ca: '/etc/ssl/my-ca.pem' })).rejects.toThrow(message);
    await expect(client.get('/', { ca: [tls.cert, Buffer.from('not pem')] })).rejects.toThrow(
      'ca must be PEM text (-----BEGIN CERTIFICATE-----...), not a Buffer without one',
    );
    expect(requests).toHaveLength(0);
  });
});
