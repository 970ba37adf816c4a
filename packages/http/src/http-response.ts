import type { IncomingHttpHeaders } from 'node:http';
import { LocustaError } from '@locusta/core';
import { CatchResponseError } from './errors.ts';
import type { RawHeaders } from './raw-headers.ts';
import { parseRawHeaders } from './raw-headers.ts';

const EMPTY = Buffer.alloc(0);

/** What a `catchResponse` callback decided; `undefined` while it decided nothing. */
export type Verdict = { ok: true } | { ok: false; error: Error } | undefined;

/** Internal slots the session uses; symbols keep them off the public surface. */
export const kVerdict = Symbol('locusta.http.verdict');
export const kCatching = Symbol('locusta.http.catching');

export interface HttpResponseInit {
  status: number;
  reason: string;
  /** The headers, if parsed already; else they are parsed from `rawHeaders` when first read. */
  headers: IncomingHttpHeaders | undefined;
  rawHeaders?: RawHeaders;
  url: string;
  body: Buffer | undefined;
  elapsed: number;
  error: Error | undefined;
}

/**
 * The buffered response of one request. The body is read in full before the request is
 * recorded (as Locust does without `stream=True`); text and JSON are decoded on first use only,
 * since most load-test tasks never look at them. Requests made with `stream: true` give a
 * StreamedResponse instead, whose body is read as it arrives.
 */
export class HttpResponse {
  /** HTTP status, or 0 when no response arrived (`error` says why). */
  readonly status: number;
  /** The status line's reason phrase, as the server sent it. */
  readonly reason: string;
  /** The URL of the response, after redirects. */
  readonly url: string;
  readonly body: Buffer;
  /** Milliseconds from sending the request to reading the last body byte. */
  readonly elapsed: number;
  /** The connection error, for a response with status 0. */
  readonly error: Error | undefined;

  [kVerdict]: Verdict = undefined;
  [kCatching] = false;
  #headers: IncomingHttpHeaders | undefined;
  #rawHeaders: RawHeaders | undefined;
  #text: string | undefined;
  #json: unknown;
  #parsed = false;

  constructor(init: HttpResponseInit) {
    this.status = init.status;
    this.reason = init.reason;
    this.#headers = init.headers;
    this.#rawHeaders = init.rawHeaders;
    this.url = init.url;
    this.body = init.body ?? EMPTY;
    this.elapsed = init.elapsed;
    this.error = init.error;
  }

  /** Response headers, keys in lower case; repeated headers are arrays. Built on first read. */
  get headers(): IncomingHttpHeaders {
    if (this.#headers === undefined) {
      this.#headers = parseRawHeaders(this.#rawHeaders);
      this.#rawHeaders = undefined;
    }
    return this.#headers;
  }

  /** Bytes of body read. */
  get size(): number {
    return this.body.length;
  }

  /** True for a response with status 1..399 (requests' `ok`). */
  get ok(): boolean {
    return this.status > 0 && this.status < 400;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return (this.#text ??= this.body.toString('utf8'));
  }

  /** The body parsed as JSON (parsed once; a parse error is thrown each call). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- `any` by default, as res.json() in JS
  json<T = any>(): T {
    if (!this.#parsed) {
      this.#json = JSON.parse(this.text());
      this.#parsed = true;
    }
    return this.#json as T;
  }

  /** Inside `catchResponse`: records this request as a success. The last call wins. */
  success(): void {
    this.#checkCatching('success');
    this[kVerdict] = { ok: true };
  }

  /** Inside `catchResponse`: records this request as a failure. The last call wins. */
  failure(reason: string | Error): void {
    this.#checkCatching('failure');
    this[kVerdict] = { ok: false, error: reason instanceof Error ? reason : new CatchResponseError(String(reason)) };
  }

  #checkCatching(method: string): void {
    if (!this[kCatching]) {
      throw new LocustaError(
        'LOCUSTA_ERR_CATCH_RESPONSE',
        `response.${method}() can only be called inside a catchResponse callback (pass catchResponse: (response) => { ... } to the request)`,
      );
    }
  }
}
