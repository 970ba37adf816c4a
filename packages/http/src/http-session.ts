import type { IncomingHttpHeaders } from 'node:http';
import type { RequestSpan, User } from '@locusta/core';
import { AWAITED_IO, describeError, isControlFlow, LocustaError, PENDING_REQUESTS, TASK_SEQ, UserKilled } from '@locusta/core';
import type { Dispatcher } from 'undici';
import { CookieJar } from './cookie-jar.ts';
import { CatchResponseError, HTTPError, toRequestError, TooManyRedirectsError } from './errors.ts';
import { HttpResponse, kCatching, kVerdict } from './http-response.ts';
import { followRedirect, isRedirect, MAX_REDIRECTS } from './redirect.ts';
import type { RequestHeaders } from './request-headers.ts';
import { hasHeader } from './request-headers.ts';
import type { Deadline } from './request-deadline.ts';
import { checkTimeout, deadlineAfter } from './request-deadline.ts';
import { ResponseReader } from './response-reader.ts';
import { StreamReader } from './stream-reader.ts';
import { kHold, kRecord, kSettle, StreamedResponse } from './streamed-response.ts';
import type { Base, Query, Target } from './url.ts';
import { resolveTarget, sharedBase } from './url.ts';
import type { CaCertificates, Connection, TlsSettings } from './user-connections.ts';
import { UserConnections } from './user-connections.ts';

/** Judges a response: call `response.success()` or `response.failure(...)`, or throw. */
export type CatchResponse = (response: HttpResponse) => unknown;

/** Judges a streamed response, usually after reading its body; the request is recorded on return. */
export type CatchStreamedResponse = (response: StreamedResponse) => unknown;

export interface HttpRequestOptions {
  /** Serialised as the body; sets `content-type: application/json` unless a header sets one. */
  json?: unknown;
  body?: string | Buffer | Uint8Array;
  headers?: RequestHeaders;
  /** Appended to the URL's query string. */
  query?: Query;
  /** The statistics entry name. @default the path and query of the URL as requested */
  name?: string;
  /**
   * Seconds the whole request may take: connecting, the response headers and the body (to its
   * last byte, also with `stream: true`), over all redirect hops. When it passes the request
   * ends as a TimeoutError and its connection is closed. @default none
   */
  timeout?: number;
  /** HTTPS: skip certificate verification for this request. @default the session's `insecure` */
  insecure?: boolean;
  /** HTTPS: trust these CA certificates (PEM text) for this request. @default the session's `ca` */
  ca?: CaCertificates;
  /** Follow 3xx redirects (at most 30). @default true, false for HEAD */
  allowRedirects?: boolean;
  /** Decides success or failure instead of the status (Locust's `catch_response=True`). */
  catchResponse?: CatchResponse;
  /** Merged over `user.context()` into the request event's context. */
  context?: Record<string, unknown>;
  /**
   * Resolve at the response headers with a StreamedResponse whose body is read as it arrives
   * (`chunks()`, `lines()`, `events()`). The request is still recorded at the body's last byte.
   * @default false
   */
  stream?: boolean;
}

/** The options of a streamed request: `stream: true`, and a callback that gets the stream. */
export interface StreamRequestOptions extends Omit<HttpRequestOptions, 'stream' | 'catchResponse'> {
  stream: true;
  /**
   * Decides success or failure, typically after reading the body. The request is recorded
   * when it returns; the body it did not read is read to the end and dropped first.
   */
  catchResponse?: CatchStreamedResponse;
}

/** A response's status line and headers, and whether it failed: what redirects look at. */
interface RedirectHop {
  status: number;
  readonly headers: IncomingHttpHeaders;
  /** False when the response surely sets no cookie (known without parsing its headers). */
  readonly setsCookies?: boolean;
  error: Error | undefined;
}

const NO_OPTIONS: HttpRequestOptions = Object.freeze({});

/**
 * A user's HTTP client (Locust's HttpSession): its own keep-alive connections per origin
 * (UserConnections) and cookie jar, created on first use. Every request fires exactly one
 * `request` event; failures are recorded, not thrown.
 */
export class HttpSession {
  readonly baseUrl: string;
  readonly #base: Base;
  /**
   * Created on first use, as are the connections and the set of streams below: a waiting user
   * that never got a cookie or streamed a body keeps none of them (about 0.2 KB per user).
   */
  #cookies: CookieJar | undefined;
  readonly #user: User;
  #connections: UserConnections | undefined;
  /** `insecure` and `ca` in one slot (undefined while both are defaults): one field per idle user. */
  #tls: TlsSettings | undefined;
  /** Streamed responses not recorded yet: closed (and recorded) when the session closes. */
  #streams: Set<StreamedResponse> | undefined;

  constructor(baseUrl: string, user: User) {
    this.#base = sharedBase(baseUrl);
    this.baseUrl = baseUrl;
    this.#user = user;
  }

  /**
   * HTTPS: do not verify the server's certificate (Locust's `client.verify = False`). Requests
   * made with and without it use separate connections. @default the user's `insecure`, or false
   */
  get insecure(): boolean {
    return this.#tls?.insecure ?? false;
  }

  set insecure(insecure: boolean) {
    this.#tls = tlsSettings(Boolean(insecure), this.ca);
  }

  /**
   * HTTPS: the CA certificates to verify servers against, as PEM text (a string or Buffer, or an
   * array of them), instead of Node's bundled ones (requests' `verify='ca.pem'`). To use a file,
   * read it: `readFileSync('ca.pem', 'utf8')`; anything but PEM text throws a LocustaError.
   * @default the user's `ca`, or none
   */
  get ca(): CaCertificates | undefined {
    return this.#tls?.ca;
  }

  set ca(ca: CaCertificates | undefined) {
    this.#tls = tlsSettings(this.insecure, ca ?? undefined);
  }

  get(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  get(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  get(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('GET', url, options as HttpRequestOptions);
  }

  post(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  post(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  post(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('POST', url, options as HttpRequestOptions);
  }

  put(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  put(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  put(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('PUT', url, options as HttpRequestOptions);
  }

  patch(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  patch(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  patch(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', url, options as HttpRequestOptions);
  }

  delete(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  delete(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  delete(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', url, options as HttpRequestOptions);
  }

  head(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  head(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  head(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('HEAD', url, options as HttpRequestOptions);
  }

  options(url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  options(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  options(url: string, options?: HttpRequestOptions | StreamRequestOptions): Promise<HttpResponse> {
    return this.request('OPTIONS', url, options as HttpRequestOptions);
  }

  /**
   * Sends a request and records it. Connection errors and timeouts do not throw: they give a
   * response with status 0 and `error` set. A URL with a scheme other than http(s) throws.
   * With `stream: true` it resolves at the headers with a StreamedResponse, and the request is
   * recorded when its body is over (see StreamedResponse).
   */
  request(method: string, url: string, options: StreamRequestOptions): Promise<StreamedResponse>;
  request(method: string, url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  async request(method: string, url: string, options: HttpRequestOptions | StreamRequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    const user = this.#user;
    // Counted until settled: the task loop warns when a task returns with requests in flight.
    // One function with try/finally: a wrapper would cost a second promise per request.
    const task = user[TASK_SEQ];
    user[PENDING_REQUESTS]++;
    let span: RequestSpan | undefined;
    try {
      if (user.killed) throw new UserKilled();
      // get() and post() pass upper case already: no new string for them.
      if (method !== 'GET' && method !== 'POST') method = method.toUpperCase();
      const timeout = checkTimeout(options.timeout);
      const tls =
        options.insecure === undefined && options.ca === undefined
          ? this.#tls
          : tlsSettings(options.insecure ?? this.insecure, options.ca ?? this.ca);
      const target = resolveTarget(this.#base, url, options.query);
      const name = options.name ?? target.path;
      const requestUrl = target.origin + target.path;
      const userContext = user.context();
      const context = options.context ? { ...userContext, ...options.context } : userContext;
      let body = options.body;
      let contentType: string | undefined;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        contentType = 'application/json';
      }
      // With a timeout, the deadline's own timer ends the request; undici's per-phase timers
      // (300 s by default) are turned off, or they would cut a longer timeout short.
      const undiciTimeout = timeout === undefined ? undefined : 0;
      const dispatch: Dispatcher.DispatchOptions = {
        origin: target.origin,
        path: target.path,
        method: method as Dispatcher.HttpMethod,
        headers: this.#headers(target, options.headers, contentType),
        body,
        headersTimeout: undiciTimeout,
        bodyTimeout: undiciTimeout,
      };

      // The caller's headers, and a traced request's context, which every redirect hop carries too.
      let given = options.headers;
      const tracer = user.environment.requestTracer;
      if (tracer) {
        span = tracer.start({ method, url: requestUrl, name });
        dispatch.headers = { ...(dispatch.headers as RequestHeaders | undefined), ...span.headers };
        given = { ...given, ...span.headers };
      }

      if (options.stream) {
        return await this.#stream(method, name, requestUrl, context, target, dispatch, timeout, tls, (span ? { ...options, headers: given } : options) as StreamRequestOptions, span);
      }

      // Counted by the measurement window as it starts (a warm-up of N requests is by start order).
      const startTime = user.environment.measurement.noteStart(Date.now() / 1000);
      const t0 = performance.now();
      const deadline = deadlineAfter(t0, timeout);
      let reader = await this.#send(dispatch, deadline, tls);
      if (user.killed) throw new UserKilled();
      // A response came over the network: the task went back to the event loop meanwhile.
      if (reader.status > 0 && user[TASK_SEQ] === task) user[AWAITED_IO] = true;
      let finalTarget = target;
      if (!reader.error) {
        this.#storeCookies(reader, target);
        if (isRedirect(reader.status) && (options.allowRedirects ?? method !== 'HEAD')) {
          [reader, finalTarget] = await this.#followRedirects(reader, target, dispatch, given, (d) => this.#send(d, deadline, tls));
          if (user.killed) throw new UserKilled();
        }
      }
      const error = reader.error ? toRequestError(reader.error, options.timeout) : undefined;
      const response = new HttpResponse({
        status: error ? 0 : reader.status,
        reason: reader.reason,
        headers: reader.parsedHeaders,
        rawHeaders: reader.rawHeaders,
        url: finalTarget === target ? requestUrl : finalTarget.origin + finalTarget.path,
        body: error ? undefined : reader.body,
        elapsed: reader.end - t0,
        error,
      });

      let exception: unknown;
      let signal: unknown;
      if (options.catchResponse) {
        signal = await judge(response, options.catchResponse as CatchResponse);
        const verdict = response[kVerdict];
        exception = verdict === undefined ? statusException(response, method, options.name) : verdict.ok ? undefined : verdict.error;
        // The runner may have killed the user while an async callback ran.
        if (user.killed) throw signal ?? new UserKilled();
      } else {
        exception = statusException(response, method, options.name);
      }
      span?.end({ status: response.status, error: exception });
      user.environment.events.request.fire({
        requestType: method,
        name,
        responseTime: response.elapsed,
        responseLength: response.body.length,
        response,
        context,
        exception,
        startTime,
        url: requestUrl,
        scheduleLag: user.scheduleLag,
      });
      if (signal !== undefined) throw signal;
      return response;
    } catch (err) {
      // Killed, or a URL that cannot be sent: the span ends (a streamed one ends with its body).
      span?.end({ status: 0, error: err });
      throw err;
    } finally {
      if (user[TASK_SEQ] === task) user[PENDING_REQUESTS]--;
    }
  }

  /** The user's cookies (Locust's `client.cookies`). */
  get cookies(): CookieJar {
    return (this.#cookies ??= new CookieJar());
  }

  /**
   * Releases the connections: after onStop (`killed` false) they close once idle; when the
   * runner kills the user they are destroyed, aborting the request in flight. A later request
   * opens a new pool.
   */
  close(killed = false): void {
    if (this.#streams !== undefined && this.#streams.size > 0) this.#closeStreams(killed);
    const connections = this.#connections;
    this.#connections = undefined;
    if (!connections) return;
    connections.close(killed).catch((err: unknown) => {
      this.#user.environment.logger.warn(`closing the HTTP connections failed: ${describeError(err)}`);
    });
  }

  #send(dispatch: Dispatcher.DispatchOptions, deadline: Deadline | undefined, tls: TlsSettings | undefined): Promise<ResponseReader> {
    const connections = (this.#connections ??= new UserConnections());
    let conn: Connection;
    try {
      conn = connections.acquire(String(dispatch.origin), tls);
    } catch (err) {
      return Promise.reject(err);
    }
    // The reader frees the connection as the response ends: no promise or closure per request for it.
    return ResponseReader.read(conn.client, dispatch, deadline, conn);
  }

  /**
   * Sends a request whose body is read as it arrives; resolves at the headers. The connection
   * stays counted as busy until the body is over (the dispatch promise is `settled`, not the
   * headers), so other requests of the user go to other connections meanwhile.
   */
  #open(dispatch: Dispatcher.DispatchOptions, deadline: Deadline | undefined, tls: TlsSettings | undefined): Promise<StreamReader> {
    const reader = new StreamReader();
    const connections = (this.#connections ??= new UserConnections());
    connections
      .dispatch(dispatch, (client) => reader.start(client, dispatch, deadline), tls)
      .catch((err: unknown) => reader.onResponseError(undefined, err instanceof Error ? err : new Error(String(err))));
    return reader.headersReceived;
  }

  /** `request()` with `stream: true`: resolves at the headers (or after catchResponse). */
  async #stream(
    method: string,
    name: string,
    requestUrl: string,
    context: Record<string, unknown>,
    target: Target,
    dispatch: Dispatcher.DispatchOptions,
    timeout: number | undefined,
    tls: TlsSettings | undefined,
    options: StreamRequestOptions,
    span: RequestSpan | undefined,
  ): Promise<StreamedResponse> {
    const user = this.#user;
    // Read now: the event may fire after the task is over, when the user is in another task.
    const scheduleLag = user.scheduleLag;
    const startTime = user.environment.measurement.noteStart(Date.now() / 1000);
    const start = performance.now();
    const deadline = deadlineAfter(start, timeout);
    let reader = await this.#open(dispatch, deadline, tls);
    let finalTarget = target;
    if (!reader.error && !user.killed) {
      this.#storeCookies(reader, target);
      if (isRedirect(reader.status) && (options.allowRedirects ?? method !== 'HEAD')) {
        const next = (d: Dispatcher.DispatchOptions, previous: StreamReader) => {
          previous.discard();
          return this.#open(d, deadline, tls);
        };
        [reader, finalTarget] = await this.#followRedirects(reader, target, dispatch, options.headers, next);
      }
    }
    if (user.killed) {
      reader.abort();
      throw new UserKilled();
    }
    // No response: the connection failed before the headers, or the redirects never ended.
    const noResponse = reader.error !== undefined && (reader.headersAt === 0 || reader.error instanceof TooManyRedirectsError);
    if (noResponse && !reader.ended) reader.fail(reader.error!);

    const streams = (this.#streams ??= new Set());
    const record = (response: StreamedResponse, background: boolean): void => {
      streams.delete(response);
      if (user.killed) {
        span?.end({ status: response.status, error: new UserKilled() });
        return;
      }
      const verdict = response[kVerdict];
      const exception = verdict === undefined ? statusException(response, method, options.name) : verdict.ok ? undefined : verdict.error;
      span?.end({ status: response.status, error: exception });
      const event = {
        requestType: method,
        name,
        responseTime: response.elapsed,
        responseLength: response.size,
        response,
        context,
        exception,
        startTime,
        url: requestUrl,
        scheduleLag,
      };
      if (!background) {
        user.environment.events.request.fire(event);
        return;
      }
      try {
        user.environment.events.request.fire(event);
      } catch (err) {
        // Only a control-flow signal gets here; with no task waiting on this body it cannot steer one.
        user.environment.logger.warn(`a request listener threw ${describeError(err)} for a streamed body; it was ignored`);
      }
    };
    const response = new StreamedResponse({
      reader,
      status: noResponse ? 0 : reader.status,
      url: finalTarget.origin + finalTarget.path,
      start,
      user,
      toError: (err) => toRequestError(err, options.timeout),
      record,
    });

    if (options.catchResponse) {
      response[kHold] = true;
      const signal = await judge(response, options.catchResponse as CatchResponse);
      if (!user.killed) await response[kSettle]();
      if (user.killed) {
        response.close();
        throw signal ?? new UserKilled();
      }
      response[kHold] = false;
      response[kRecord](false);
      if (signal !== undefined) throw signal;
      return response;
    }
    if (reader.ended) response[kRecord](false);
    else streams.add(response);
    return response;
  }

  /** Closes the streamed bodies still open: recorded as they are, unless the user was killed. */
  #closeStreams(killed: boolean): void {
    const open = [...(this.#streams ?? [])];
    this.#streams?.clear();
    // A killed user records nothing; destroying its connections ends the bodies.
    if (killed) return;
    for (const response of open) {
      try {
        response.close();
      } catch (err) {
        this.#user.environment.logger.warn(`closing a streamed response failed: ${describeError(err)}`);
      }
    }
  }

  /** The request headers; the caller's object is passed through when nothing is added. */
  #headers(target: Target, given: RequestHeaders | undefined, contentType: string | undefined): RequestHeaders | undefined {
    const jar = this.#cookies;
    const cookie = jar === undefined || jar.size === 0 ? undefined : jar.header(target.hostname, target.path, target.secure);
    const auth = target.origin === this.#base.target.origin ? this.#base.authorization : undefined;
    if (cookie === undefined && contentType === undefined && auth === undefined) return given;
    const out: RequestHeaders = { ...given };
    if (contentType !== undefined && !hasHeader(given, 'content-type')) out['content-type'] = contentType;
    if (cookie !== undefined && !hasHeader(given, 'cookie')) out['cookie'] = cookie;
    if (auth !== undefined && !hasHeader(given, 'authorization')) out['authorization'] = auth;
    return out;
  }

  #storeCookies(reader: RedirectHop, target: Target): void {
    if (reader.setsCookies === false) return;
    const setCookie = reader.headers['set-cookie'];
    if (setCookie !== undefined) this.cookies.store(setCookie, target.hostname, target.path);
  }

  /**
   * Follows redirects like requests: cookies are stored at every hop, the time covers all.
   * `send` sends the next hop (`previous` is the redirect response, whose body is no longer needed).
   */
  async #followRedirects<R extends RedirectHop>(
    reader: R,
    target: Target,
    dispatch: Dispatcher.DispatchOptions,
    given: RequestHeaders | undefined,
    send: (dispatch: Dispatcher.DispatchOptions, previous: R) => Promise<R>,
  ): Promise<[R, Target]> {
    for (let hops = 1; ; hops++) {
      const next = followRedirect(reader, target, dispatch, given);
      if (!next) return [reader, target];
      if (hops > MAX_REDIRECTS) {
        reader.error = new TooManyRedirectsError(`Exceeded ${MAX_REDIRECTS} redirects.`);
        return [reader, target];
      }
      target = next.target;
      next.dispatch.headers = this.#headers(target, next.headers, next.contentType);
      dispatch = next.dispatch;
      reader = await send(dispatch, reader);
      if (reader.error) return [reader, target];
      this.#storeCookies(reader, target);
      if (!isRedirect(reader.status)) return [reader, target];
    }
  }
}

/** Runs a catchResponse callback; returns a control-flow signal it threw, to rethrow later. */
async function judge(response: HttpResponse, callback: CatchResponse): Promise<unknown> {
  response[kCatching] = true;
  try {
    const out = callback(response);
    if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') await (out as PromiseLike<unknown>);
  } catch (err) {
    // StopUser, RescheduleTask... steer the task loop: record the request, then rethrow.
    if (isControlFlow(err)) return err;
    response[kVerdict] = { ok: false, error: err instanceof Error ? err : new CatchResponseError(String(err)) };
  } finally {
    response[kCatching] = false;
  }
  return undefined;
}

/**
 * The failure a response stands for when nothing judged it: its error, or status >= 400.
 * `name` is the request's name option, if it had one.
 */
function statusException(response: HttpResponse, method: string, name: string | undefined): Error | undefined {
  if (response.error) return response.error;
  if (response.status >= 400) return new HTTPError(response.status, response.reason, response.url, { method, name });
  return undefined;
}

const PEM_BEGIN = '-----BEGIN';

/** The TLS settings for `insecure` and `ca`, or undefined for Node's defaults; checks `ca`. */
function tlsSettings(insecure: boolean, ca: CaCertificates | undefined): TlsSettings | undefined {
  if (ca !== undefined) checkCa(ca);
  return !insecure && ca === undefined ? undefined : { insecure, ca };
}

/** Throws unless `ca` is PEM text: a file path here is a mistake better named than sent. */
function checkCa(ca: CaCertificates): void {
  for (const one of Array.isArray(ca) ? (ca as ReadonlyArray<unknown>) : [ca]) {
    if (typeof one === 'string' ? one.includes(PEM_BEGIN) : Buffer.isBuffer(one) && one.includes(PEM_BEGIN)) continue;
    const shown =
      typeof one === 'string' ? `'${one.length > 80 ? `${one.slice(0, 77)}...` : one}'` : Buffer.isBuffer(one) ? 'a Buffer without one' : typeof one;
    throw new LocustaError(
      'LOCUSTA_ERR_USAGE',
      `ca must be PEM text (-----BEGIN CERTIFICATE-----...), not ${shown}: read a file with readFileSync(path, 'utf8')`,
    );
  }
}
