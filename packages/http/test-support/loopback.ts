import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestEvent } from '@locusta/core';
import { Environment, Events } from '@locusta/core';
import { onTestFinished } from 'vitest';
import { HttpUser } from '../src/http-user.ts';

/** Starts a node:http server on 127.0.0.1:0, closed (with its connections) after the test. */
export async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads a request body as text. */
export async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with the request as JSON: method, url, headers, body. */
export async function echo(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await bodyOf(req);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
}

/** An environment with its own events, and the request events it fired. */
export function environment(host?: string): { env: Environment; requests: RequestEvent[] } {
  const env = new Environment({ host, events: new Events() });
  const requests: RequestEvent[] = [];
  env.events.request.addListener((event) => void requests.push(event));
  return { env, requests };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

class TestUser extends HttpUser {}

/** A plain HttpUser on `host`, whose connections are destroyed when the test ends. */
export function userFor(host: string) {
  const { env, requests } = environment(host);
  const user = new TestUser(env);
  onTestFinished(() => user.client.close(true));
  return { user, requests, client: user.client };
}

/** A self-signed certificate for 127.0.0.1, made with openssl (1 day, in a temporary folder). */
export function selfSignedCertificate(openssl: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'locusta-http-tls-'));
  try {
    execFileSync(openssl, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a node:https server on 127.0.0.1:0 with `tls`, closed after the test. */
export async function serveHttps(tls: { cert: string; key: string }, handler: RequestListener): Promise<string> {
  const server = createHttpsServer(tls, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
