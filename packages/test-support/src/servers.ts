import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** Listens on 127.0.0.1 (a port the OS picks) and returns the port. */
async function listenOnLoopback(server: { listen(port: number, host: string): unknown; address(): unknown } & NodeJS.EventEmitter): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes a server and drops its keep-alive connections; closing twice is harmless. */
function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Starts a node:http server on 127.0.0.1 (a free port), closed with its connections when the test ends. */
export async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  const port = await listenOnLoopback(server);
  onTestFinished(closer(server));
  return `http://127.0.0.1:${port}`;
}

/** Starts a node:https server on 127.0.0.1 with `tls`, closed when the test ends. */
export async function serveHttps(tls: { cert: string; key: string }, handler: RequestListener): Promise<string> {
  const server = createHttpsServer(tls, handler);
  const port = await listenOnLoopback(server);
  onTestFinished(closer(server));
  return `https://127.0.0.1:${port}`;
}

export interface CountingServer {
  url: string;
  /** Requests received, per `METHOD path` (query included). */
  counts: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that counts what it receives and hands each request, with its body
 * read, to `handler` (default: `ok`); closed when the test ends.
 */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end('ok'),
): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  // Longer than any test: the CLI's pooled connections are never closed under it.
  server.keepAliveTimeout = 60_000;
  const port = await listenOnLoopback(server);
  const close = closer(server);
  onTestFinished(close);
  return { url: `http://127.0.0.1:${port}`, counts, total: () => [...counts.values()].reduce((a, b) => a + b, 0), close };
}

export interface ScriptedServer {
  url: string;
  /** The request URLs, headers and bodies received, in order. */
  requests: Array<{ url: string; headers: IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

/** A loopback server that answers every request with `answer`, recording what it received; closed when the test ends. */
export async function scriptedServer(answer: (res: ServerResponse, body: string) => void): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      answer(res, body);
    });
  });
  const port = await listenOnLoopback(server);
  const close = closer(server);
  onTestFinished(close);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

/**
 * A port nothing listens on (bound on 127.0.0.1, then released): a master may bind it, and a
 * client connecting to it is refused.
 */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  const port = await listenOnLoopback(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
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

/** A self-signed certificate for 127.0.0.1, made with openssl (1 day, in a temporary folder). */
export function selfSignedCertificate(openssl: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'locusta-tls-'));
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
