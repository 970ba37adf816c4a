import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/**
 * An undici dispatch handler that buffers one response. It is used instead of
 * `dispatcher.request()` because it skips the Readable stream request() wraps every body in:
 * at loopback speeds that stream is a large share of the per-request CPU, and this client
 * buffers every body anyway. One object per request holds all its state, so the hot path
 * allocates no closures beyond the promise executor.
 */
export class ResponseReader implements Dispatcher.DispatchHandler {
  status = 0;
  reason = '';
  headers: IncomingHttpHeaders = NO_HEADERS;
  body: Buffer | undefined;
  /** Set after the first chunk, once a second one arrives. */
  chunks: Buffer[] | undefined;
  error: Error | undefined;
  /** performance.now() when the last body byte (or the error) arrived. */
  end = 0;
  resolve: ((reader: ResponseReader) => void) | undefined;

  onRequestStart(): void {}

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
    this.end = performance.now();
    if (this.chunks) this.body = Buffer.concat(this.chunks);
    this.chunks = undefined;
    this.resolve?.(this);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.end = performance.now();
    this.error = error;
    this.body = undefined;
    this.chunks = undefined;
    this.resolve?.(this);
  }

  /** Dispatches `options` and settles (never rejects) when the response is read or fails. */
  static read(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<ResponseReader> {
    const reader = new ResponseReader();
    return new Promise<ResponseReader>((resolve) => {
      reader.resolve = resolve;
      try {
        dispatcher.dispatch(options, reader);
      } catch (err) {
        // A closed or destroyed dispatcher throws instead of calling back.
        reader.onResponseError(undefined as unknown as Dispatcher.DispatchController, err as Error);
      }
    });
  }
}
