import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFixture } from '../test-support/web-fixture.ts';

const openssl = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p));

function httpsGet(url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
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
    const dir = mkdtempSync(join(tmpdir(), 'locusta-web-tls-'));
    execFileSync(openssl!, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const f = await startFixture({ server: { tls: { cert, key: readFileSync(join(dir, 'key.pem')) } } });
    const https = f.url.replace('http:', 'https:');
    const res = await httpsGet(`${https}/worker-count`, cert);
    expect(res).toEqual({ status: 200, body: '{"worker_count":0}' });
    await expect(httpsGet(`${https}/worker-count`)).rejects.toThrow(/self-signed|certificate/);
  });
});
