import { existsSync } from 'node:fs';
import { get } from 'node:https';
import { selfSignedCertificate } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { startFixture } from '../test-support/web-fixture.ts';

const openssl = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));

function httpsGet(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, rejectUnauthorized: true }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe.skipIf(!openssl)('WebServer over HTTPS', () => {
  it('serves the API with the given certificate and key', async () => {
    const { cert, key } = selfSignedCertificate(openssl!);
    const f = await startFixture({ server: { tls: { cert, key } } });
    const https = f.url.replace('http:', 'https:');
    const res = await httpsGet(`${https}/worker-count`, cert);
    expect(res).toEqual({ status: 200, body: '{"worker_count":0}' });
    await expect(httpsGet(`${https}/worker-count`)).rejects.toThrow(/self-signed|certificate/);
  });
});
