import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { RawHeaders } from './raw-headers.ts';
import { hasSetCookie, parseRawHeaders } from './raw-headers.ts';
import type { Deadline, DeadlineTarget } from './request-deadline.ts';
import { armDeadline, passed, timeoutError } from './request-deadline.ts';

/** What a reader tells when its response is over: the connection it used is free again. */
export interface BusyConnection {
  inFlight: number;
}

/**
 * An undici dispatch handler that buffers one response. It is used instead of
 * `dispatcher.request()` because it skips the Readable stream request() wraps every body in:
 * at loopback speeds that stream is a large share of the per-request CPU, and this client
 * buffers every body anyway. One object per request holds all its state, so the hot path
 * allocates no closures beyond the promise executor.
 *
 * It implements undici's callback handler (onConnect, onHeaders, onData, onComplete, onError)
 * rather than the controller one (onRequestStart, onResponseStart, ...): undici wraps a handler
 * of the latter in an adapter and a controller per request and parses every response's headers
 * (and trailers) into objects for it. Here the headers stay raw until read (`headers`).
 */
export class ResponseReader implements Dispatcher.DispatchHandler, DeadlineTarget {
  status = 0;
  reason = '';
  /** The response headers as read; `headers` parses them on first use. */
  rawHeaders: RawHeaders | undefined;
  #headers: IncomingHttpHeaders | undefined;
  body: Buffer | undefined;
  /** Set after the first chunk, once a second one arrives. */
  chunks: Buffer[] | undefined;
  error: Error | undefined;
  /** performance.now() when the last body byte (or the error) arrived. */
  end = 0;
  /** Until the response is over: settles the promise of read(). */
  resolve: ((reader: ResponseReader) => void) | undefined;
  /** Counted busy until the response is over (or failed). */
  connection: BusyConnection | undefined;
  /** The request's timeout, if it has one, and its timer while it runs. */
  deadline: Deadline | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set once undici sends the request, only for a request with a deadline (to abort it). */
  abort: ((err?: Error) => void) | undefined;

  /** Response headers, keys in lower case; repeated headers are arrays. */
  get headers(): IncomingHttpHeaders {
    return (this.#headers ??= parseRawHeaders(this.rawHeaders));
  }

  /** The headers object if `headers` was read already (else undefined: they are still raw). */
  get parsedHeaders(): IncomingHttpHeaders | undefined {
    return this.#headers;
  }

  /** True when the response sets cookies (read without parsing the other headers). */
  get setsCookies(): boolean {
    return this.#headers === undefined ? hasSetCookie(this.rawHeaders) : this.#headers['set-cookie'] !== undefined;
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.deadline === undefined) return;
    // Timed out while connecting: drop the request now rather than send it late.
    if (this.resolve === undefined) abort(this.error!);
    else this.abort = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, reason: string): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    this.reason = reason ?? '';
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body === undefined) this.body = chunk;
    else (this.chunks ??= [this.body]).push(chunk);
    return true;
  }

  onComplete(): void {
    const resolve = this.#settle();
    if (resolve === undefined) return;
    if (this.chunks) this.body = Buffer.concat(this.chunks);
    this.chunks = undefined;
    resolve(this);
  }

  onError(error: Error): void {
    // After a timeout, undici reports the abort too: the timeout stays the error.
    const resolve = this.#settle();
    if (resolve === undefined) return;
    this.error = error;
    this.body = undefined;
    this.chunks = undefined;
    resolve(this);
  }

  /**
   * The response is over (read or failed), once: its end time, its timer cleared, its connection
   * free again. The promise's resolve, or undefined if it was over already.
   */
  #settle(): ((reader: ResponseReader) => void) | undefined {
    const resolve = this.resolve;
    if (resolve === undefined) return undefined;
    this.resolve = undefined;
    this.end = performance.now();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.connection !== undefined) {
      this.connection.inFlight--;
      this.connection = undefined;
    }
    return resolve;
  }

  /** The timeout passed: the request fails now, and its connection is closed. */
  onDeadline(): void {
    this.timer = undefined;
    if (this.resolve === undefined) return;
    const deadline = this.deadline!;
    if (!passed(deadline)) {
      this.timer = armDeadline(this, deadline);
      return;
    }
    const abort = this.abort;
    const error = timeoutError(deadline, abort === undefined ? 'connect' : this.status === 0 ? 'headers' : 'body');
    this.onError(error);
    // Not sent yet (still connecting): onConnect aborts it when it would be.
    abort?.(error);
  }

  /**
   * Dispatches `options` on `connection`'s client and settles (never rejects) when the response
   * is read or fails, or when `deadline` passes; `connection` stays counted busy until then.
   */
  static read(
    dispatcher: Dispatcher,
    options: Dispatcher.DispatchOptions,
    deadline: Deadline | undefined,
    connection?: BusyConnection,
  ): Promise<ResponseReader> {
    const reader = new ResponseReader();
    return new Promise<ResponseReader>((resolve) => {
      reader.resolve = resolve;
      reader.connection = connection;
      if (deadline !== undefined) {
        reader.deadline = deadline;
        reader.timer = armDeadline(reader, deadline);
      }
      try {
        dispatcher.dispatch(options, reader);
      } catch (err) {
        // A closed or destroyed dispatcher throws instead of calling back.
        reader.onError(err as Error);
      }
    });
  }
}
