import type { IncomingHttpHeaders } from 'node:http';
import type { User } from '@locusta/core';
import { describeError, isControlFlow, UserKilled } from '@locusta/core';
import type { Dispatcher } from 'undici';
import { CookieJar } from './cookie-jar.ts';
import { CatchResponseError, HTTPError, toRequestError, TooManyRedirectsError } from './errors.ts';
import { HttpResponse, kCatching, kVerdict } from './http-response.ts';
import { followRedirect, isRedirect, MAX_REDIRECTS } from './redirect.ts';
import { ResponseReader } from './response-reader.ts';
import type { Base, Query, Target } from './url.ts';
import { parseBase, resolveTarget } from './url.ts';
import { UserConnections } from './user-connections.ts';

/** Request headers; names are case-insensitive. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Judges a response: call `response.success()` or `response.failure(...)`, or throw. */
export type CatchResponse = (response: HttpResponse) => unknown;

export interface HttpRequestOptions {
  /** Serialised as the body; sets `content-type: application/json` unless a header sets one. */
  json?: unknown;
  body?: string | Buffer | Uint8Array;
  headers?: RequestHeaders;
  /** Appended to the URL's query string. */
  query?: Query;
  /** The statistics entry name. @default the path and query of the URL as requested */
  name?: string;
  /** Seconds to wait for the response headers, and then between body chunks. */
  timeout?: number;
  /** Follow 3xx redirects (at most 30). @default true, false for HEAD */
  allowRedirects?: boolean;
  /** Decides success or failure instead of the status (Locust's `catch_response=True`). */
  catchResponse?: CatchResponse;
  /** Merged over `user.context()` into the request event's context. */
  context?: Record<string, unknown>;
}

const NO_OPTIONS: HttpRequestOptions = Object.freeze({});

/**
 * A user's HTTP client (Locust's HttpSession): its own keep-alive connections per origin
 * (UserConnections) and cookie jar, created on first use. Every request fires exactly one
 * `request` event; failures are recorded, not thrown.
 */
export class HttpSession {
  readonly baseUrl: string;
  readonly cookies = new CookieJar();
  readonly #base: Base;
  readonly #user: User;
  #connections: UserConnections | undefined;

  constructor(baseUrl: string, user: User) {
    this.#base = parseBase(baseUrl);
    this.baseUrl = baseUrl;
    this.#user = user;
  }

  get(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('GET', url, options);
  }

  post(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('POST', url, options);
  }

  put(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PUT', url, options);
  }

  patch(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('PATCH', url, options);
  }

  delete(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('DELETE', url, options);
  }

  head(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('HEAD', url, options);
  }

  options(url: string, options?: HttpRequestOptions): Promise<HttpResponse> {
    return this.request('OPTIONS', url, options);
  }

  /**
   * Sends a request and records it. Connection errors and timeouts do not throw: they give a
   * response with status 0 and `error` set. A URL with a scheme other than http(s) throws.
   */
  async request(method: string, url: string, options: HttpRequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    const user = this.#user;
    if (user.killed) throw new UserKilled();
    method = method.toUpperCase();
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
    const timeoutMs = options.timeout === undefined ? undefined : options.timeout * 1000;
    const dispatch: Dispatcher.DispatchOptions = {
      origin: target.origin,
      path: target.path,
      method: method as Dispatcher.HttpMethod,
      headers: this.#headers(target, options.headers, contentType),
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };

    const startTime = Date.now() / 1000;
    const t0 = performance.now();
    let reader = await this.#send(dispatch);
    if (user.killed) throw new UserKilled();
    let finalTarget = target;
    if (!reader.error) {
      this.#storeCookies(reader.headers, target);
      if (isRedirect(reader.status) && (options.allowRedirects ?? method !== 'HEAD')) {
        [reader, finalTarget] = await this.#followRedirects(reader, target, dispatch, options.headers);
        if (user.killed) throw new UserKilled();
      }
    }
    const error = reader.error ? toRequestError(reader.error, options.timeout) : undefined;
    const response = new HttpResponse({
      status: error ? 0 : reader.status,
      reason: reader.reason,
      headers: reader.headers,
      url: finalTarget.origin + finalTarget.path,
      body: error ? undefined : reader.body,
      elapsed: reader.end - t0,
      error,
    });

    let exception: unknown;
    let signal: unknown;
    if (options.catchResponse) {
      signal = await judge(response, options.catchResponse);
      const verdict = response[kVerdict];
      exception = verdict === undefined ? statusException(response, name) : verdict.ok ? undefined : verdict.error;
      // The runner may have killed the user while an async callback ran.
      if (user.killed) throw signal ?? new UserKilled();
    } else {
      exception = statusException(response, name);
    }
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
    });
    if (signal !== undefined) throw signal;
    return response;
  }

  /**
   * Releases the connections: after onStop (`killed` false) they close once idle; when the
   * runner kills the user they are destroyed, aborting the request in flight. A later request
   * opens a new pool.
   */
  close(killed = false): void {
    const connections = this.#connections;
    this.#connections = undefined;
    if (!connections) return;
    connections.close(killed).catch((err: unknown) => {
      this.#user.environment.logger.warn(`closing the HTTP connections failed: ${describeError(err)}`);
    });
  }

  #send(dispatch: Dispatcher.DispatchOptions): Promise<ResponseReader> {
    return (this.#connections ??= new UserConnections()).dispatch(dispatch, (client) => ResponseReader.read(client, dispatch));
  }

  /** The request headers; the caller's object is passed through when nothing is added. */
  #headers(target: Target, given: RequestHeaders | undefined, contentType: string | undefined): RequestHeaders | undefined {
    const cookie = this.cookies.size === 0 ? undefined : this.cookies.header(target.hostname, target.path, target.secure);
    const auth = target.origin === this.#base.target.origin ? this.#base.authorization : undefined;
    if (cookie === undefined && contentType === undefined && auth === undefined) return given;
    const out: RequestHeaders = { ...given };
    if (contentType !== undefined && !hasHeader(given, 'content-type')) out['content-type'] = contentType;
    if (cookie !== undefined && !hasHeader(given, 'cookie')) out['cookie'] = cookie;
    if (auth !== undefined && !hasHeader(given, 'authorization')) out['authorization'] = auth;
    return out;
  }

  #storeCookies(headers: IncomingHttpHeaders, target: Target): void {
    const setCookie = headers['set-cookie'];
    if (setCookie !== undefined) this.cookies.store(setCookie, target.hostname, target.path);
  }

  /** Follows redirects like requests: cookies are stored at every hop, the time covers all. */
  async #followRedirects(
    reader: ResponseReader,
    target: Target,
    dispatch: Dispatcher.DispatchOptions,
    given: RequestHeaders | undefined,
  ): Promise<[ResponseReader, Target]> {
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
      reader = await this.#send(dispatch);
      if (reader.error) return [reader, target];
      this.#storeCookies(reader.headers, target);
      if (!isRedirect(reader.status)) return [reader, target];
    }
  }
}

/** Runs a catchResponse callback; returns a control-flow signal it threw, to rethrow later. */
async function judge(response: HttpResponse, callback: CatchResponse): Promise<unknown> {
  response[kCatching] = true;
  try {
    const out = callback(response);
    if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') await out;
  } catch (err) {
    // StopUser, RescheduleTask... steer the task loop: record the request, then rethrow.
    if (isControlFlow(err)) return err;
    response[kVerdict] = { ok: false, error: err instanceof Error ? err : new CatchResponseError(String(err)) };
  } finally {
    response[kCatching] = false;
  }
  return undefined;
}

/** The failure a response stands for when nothing judged it: its error, or status >= 400. */
function statusException(response: HttpResponse, name: string): Error | undefined {
  if (response.error) return response.error;
  if (response.status >= 400) return new HTTPError(response.status, response.reason, name);
  return undefined;
}

function hasHeader(headers: RequestHeaders | undefined, lowerName: string): boolean {
  if (!headers) return false;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lowerName) return true;
  return false;
}
