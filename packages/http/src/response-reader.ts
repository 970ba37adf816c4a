import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Deadline, DeadlineTarget } from './request-deadline.ts';
import { armDeadline, passed, timeoutError } from './request-deadline.ts';

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/**
 * An undici dispatch handler that buffers one response. It is used instead of
 * `dispatcher.request()` because it skips the Readable stream request() wraps every body in:
 * at loopback speeds that stream is a large share of the per-request CPU, and this client
 * buffers every body anyway. One object per request holds all its state, so the hot path
 * allocates no closures beyond the promise executor.
 */
export class ResponseReader implements Dispatcher.DispatchHandler, DeadlineTarget {
  status = 0;
  reason = '';
  headers: IncomingHttpHeaders = NO_HEADERS;
  body: Buffer | undefined;
  /** Set after the first chunk, once a second one arrives. */
  chunks: Buffer[] | undefined;
  error: Error | undefined;
  /** performance.now() when the last body byte (or the error) arrived. */
  end = 0;
  /** Until the response is over: settles the promise of read(). */
  resolve: ((reader: ResponseReader) => void) | undefined;
  /** The request's timeout, if it has one, and its timer while it runs. */
  deadline: Deadline | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set once undici sends the request, only for a request with a deadline (to abort it). */
  controller: Dispatcher.DispatchController | undefined;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.deadline === undefined) return;
    // Timed out while connecting: drop the request now rather than send it late.
    if (this.resolve === undefined) controller.abort(this.error!);
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    reason?: string,
  ): void {
    this.status = status;
    this.headers = headers;
    this.reason = reason ?? '';
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.body === undefined) this.body = chunk;
    else (this.chunks ??= [this.body]).push(chunk);
  }

  onResponseEnd(): void {
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    this.end = performance.now();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.chunks) this.body = Buffer.concat(this.chunks);
    this.chunks = undefined;
    resolve(this);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    // After a timeout, undici reports the abort too: the timeout stays the error.
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    this.end = performance.now();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.error = error;
    this.body = undefined;
    this.chunks = undefined;
    resolve(this);
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
    const controller = this.controller;
    const error = timeoutError(deadline, controller === undefined ? 'connect' : this.status === 0 ? 'headers' : 'body');
    this.onResponseError(controller, error);
    // Not sent yet (still connecting): onRequestStart aborts it when it would be.
    controller?.abort(error);
  }

  /**
   * Dispatches `options` and settles (never rejects) when the response is read or fails, or
   * when `deadline` passes.
   */
  static read(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, deadline?: Deadline): Promise<ResponseReader> {
    const reader = new ResponseReader();
    return new Promise<ResponseReader>((resolve) => {
      reader.resolve = resolve;
      if (deadline !== undefined) {
        reader.deadline = deadline;
        reader.timer = armDeadline(reader, deadline);
      }
      try {
        dispatcher.dispatch(options, reader);
      } catch (err) {
        // A closed or destroyed dispatcher throws instead of calling back.
        reader.onResponseError(undefined, err as Error);
      }
    });
  }
}
