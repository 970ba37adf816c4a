import { createRequire } from 'node:module';
import net from 'node:net';
import type { buildConnector, Client as UndiciClient, Dispatcher, errors } from 'undici';

const require = createRequire(import.meta.url);
// Only the modules this file uses, not the undici index, which also loads fetch, WebSocket, the
// caches and the mock agents: about 9 MB of RSS in a bare node process, none of it used here.
// (The index is still loaded while any other module imports a value from 'undici'.)
const Client = require('undici/lib/dispatcher/client.js') as typeof UndiciClient;
const { ConnectTimeoutError } = require('undici/lib/core/errors.js') as typeof errors;

/** Connections a user may open to one origin at once, as requests' default pool size. */
const MAX_CONNECTIONS_PER_ORIGIN = 10;

/** The defaults of undici's own connector, which plain-HTTP connections keep. */
const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_PROBE_DELAY_MS = 60_000;
const SOCKET_HIGH_WATER_MARK = 64 * 1024;

/**
 * How long an idle connection stays open when the server does not say (a `Keep-Alive: timeout=`
 * header, which undici follows). undici's default of 4 s closed the connection of every user
 * waiting longer against servers that announce nothing, such as nginx, so each task opened a new
 * one; a requests.Session (Locust) keeps its connections until the server closes them. 24 h:
 * Node's timers take at most 2^31 - 1 ms.
 */
const IDLE_KEEP_ALIVE_MS = 24 * 60 * 60 * 1000;

/** Certificates to trust, as Node's `tls.connect({ ca })` takes them (PEM text). */
export type CaCertificates = string | Buffer | ReadonlyArray<string | Buffer>;

/**
 * How an HTTPS connection checks the server's certificate. Undefined means Node's defaults:
 * verified against Node's bundled CA certificates.
 */
export interface TlsSettings {
  /** Skip verification (requests' `verify=False`). */
  readonly insecure: boolean;
  /** Trust these CA certificates instead of Node's bundled ones. */
  readonly ca: CaCertificates | undefined;
}

export interface Connection {
  readonly origin: string;
  readonly client: UndiciClient;
  /** Only HTTPS connections opened with other settings than Node's defaults have them. */
  readonly tls: TlsSettings | undefined;
  inFlight: number;
}

/**
 * A user's keep-alive connections (the pool of Locust's per-user session): per origin one
 * undici Client, and more only while the user has several requests in flight there at once.
 * Plain Clients rather than an Agent: an undici Pool preallocates a 2,048-slot queue, which
 * tripled the memory of an idle user (about 34 KB against 11 KB with a Client, measured at
 * 10,000 users) and capacity for thousands of users per process matters more here than a
 * queue no single user fills.
 *
 * Every connection is the user's own; only immutable configuration is shared between users:
 * the parsed origin URL and, for plain HTTP, the function that opens the TCP socket.
 */
export class UserConnections {
  /**
   * The user's connections to every origin, in opening order. A flat list, not a Map per
   * origin: a user talks to one or a few origins, and an idle user's Map cost more than its
   * connection.
   */
  #list: Connection[] | undefined;

  /**
   * Sends a request on an idle connection to its origin, opening one if all are busy. Never
   * throws: a failure rejects the promise. Not an async function, which allocated a generator,
   * a promise and the await's closures for every request on top of the two closures here.
   * `tls` (HTTPS only) picks among connections opened with the same settings.
   */
  dispatch<T>(options: Dispatcher.DispatchOptions, send: (client: Dispatcher) => Promise<T>, tls?: TlsSettings): Promise<T> {
    let conn: Connection | undefined;
    try {
      conn = this.acquire(String(options.origin), tls);
      return whileBusy(conn, send(conn.client));
    } catch (err) {
      if (conn) conn.inFlight--;
      return Promise.reject(err);
    }
  }

  /**
   * An idle connection to `origin` (or a new one, or the least busy), counted busy: the caller
   * decrements `inFlight` once its request is over. What `dispatch` does without its promise
   * and closures, for the buffered requests, whose reader settles exactly once.
   */
  acquire(origin: string, tls: TlsSettings | undefined): Connection {
    // Plain HTTP has no certificate to check: one set of connections whatever the settings.
    if (tls !== undefined && !origin.startsWith('https:')) tls = undefined;
    const conn = this.#pick(origin, tls);
    conn.inFlight++;
    return conn;
  }

  #pick(origin: string, tls: TlsSettings | undefined): Connection {
    const list = this.#list;
    let least: Connection | undefined;
    let open = 0;
    if (list) {
      for (const conn of list) {
        if (conn.origin !== origin || !sameTls(conn.tls, tls)) continue;
        if (conn.inFlight === 0) return conn;
        if (!least || conn.inFlight < least.inFlight) least = conn;
        open++;
      }
    }
    if (least && open >= MAX_CONNECTIONS_PER_ORIGIN) return least;
    const conn: Connection = { origin, client: openClient(origin, tls), tls, inFlight: 0 };
    if (list) list.push(conn);
    else this.#list = [conn];
    return conn;
  }

  /** Closes every connection once idle, or destroys them at once (aborting requests) when `force`. */
  close(force: boolean): Promise<unknown> {
    const list = this.#list ?? [];
    this.#list = undefined;
    return Promise.all(list.map(({ client }) => (force ? client.destroy() : client.close())));
  }
}

function sameTls(a: TlsSettings | undefined, b: TlsSettings | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.insecure === b.insecure && a.ca === b.ca;
}

/** `sent`, with `conn` counted busy until it settles. */
function whileBusy<T>(conn: Connection, sent: Promise<T>): Promise<T> {
  return sent.then(
    (value) => {
      conn.inFlight--;
      return value;
    },
    (err: unknown) => {
      conn.inFlight--;
      throw err;
    },
  );
}

/** Parsed origins, shared by every Client to that origin (undici only reads them). */
const originUrls = new Map<string, URL>();
/** Enough for any realistic set of targets; a test spraying origins just re-parses them. */
const MAX_CACHED_ORIGINS = 1_000;

function openClient(origin: string, tls: TlsSettings | undefined): UndiciClient {
  let url = originUrls.get(origin);
  if (url === undefined) {
    url = new URL(origin);
    if (originUrls.size >= MAX_CACHED_ORIGINS) originUrls.clear();
    originUrls.set(origin, url);
  }
  // TLS connections keep undici's own connector, built per Client with its TLS session cache,
  // so that a connection resumes only sessions of its own earlier connections.
  if (url.protocol === 'http:') return new Client(url, { connect: connectTcp, keepAliveTimeout: IDLE_KEEP_ALIVE_MS });
  if (tls === undefined) return new Client(url, { keepAliveTimeout: IDLE_KEEP_ALIVE_MS });
  // insecure wins over ca: with verification off there is nothing to trust.
  const connect = tls.insecure ? { rejectUnauthorized: false } : { ca: tls.ca as string | Buffer | Array<string | Buffer> };
  return new Client(url, { connect, keepAliveTimeout: IDLE_KEEP_ALIVE_MS });
}

/**
 * Opens a plain TCP connection for a Client, with the options undici's default connector uses
 * (64 KB high-water mark, TCP keep-alive probes after 60 s, no Nagle, a 10 s connect timeout).
 * One function for the whole process, where undici builds a connector per Client (about 0.5 KB
 * with its TLS session cache); and nothing of the connect attempt stays on the socket after it
 * settles, where undici's keeps a listener holding its timer and options (another 0.5 KB per
 * connection). At 10,000 idle users those two are about 10 MB of heap.
 */
function connectTcp(options: buildConnector.Options, callback: buildConnector.Callback): net.Socket {
  const port = Number(options.port) || 80;
  // highWaterMark reaches the socket's streams; @types/node leaves it out of the connect options.
  const connectOptions: net.TcpNetConnectOpts & { highWaterMark: number } = {
    host: options.hostname,
    port,
    localAddress: options.localAddress ?? undefined,
    highWaterMark: SOCKET_HIGH_WATER_MARK,
  };
  const socket = net.connect(connectOptions);
  socket.setKeepAlive(true, KEEP_ALIVE_PROBE_DELAY_MS).setNoDelay(true);
  const timer = setTimeout(onConnectTimeout, CONNECT_TIMEOUT_MS, socket, `${options.hostname}:${port}`);
  const settle = (err?: Error): void => {
    clearTimeout(timer);
    socket.off('connect', settle).off('error', settle);
    if (err) callback(err, null);
    else callback(null, socket);
  };
  // The no-op stays: an error emitted before the Client attaches its own listener must not
  // become an uncaught exception.
  socket.on('connect', settle).on('error', settle).on('error', ignoreError);
  return socket;
}

function onConnectTimeout(socket: net.Socket, address: string): void {
  // With several addresses to try (autoSelectFamily), name them all, as undici does.
  const tried = (socket as net.Socket & { autoSelectFamilyAttemptedAddresses?: string[] }).autoSelectFamilyAttemptedAddresses;
  const attempted = Array.isArray(tried) ? `addresses: ${tried.join(', ')}` : `address: ${address}`;
  socket.destroy(new ConnectTimeoutError(`Connect Timeout Error (attempted ${attempted}, timeout: ${CONNECT_TIMEOUT_MS}ms)`));
}

function ignoreError(): void {}
