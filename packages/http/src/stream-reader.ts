import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Deadline, DeadlineTarget } from './request-deadline.ts';
import { armDeadline, passed, timeoutError } from './request-deadline.ts';

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/**
 * Unread bytes above which the connection stops reading while a consumer reads more slowly
 * than the body arrives. A body nobody is reading is read to its end (and kept, as a plain
 * response's body is), so that its request is recorded and its connection freed: pausing it
 * would hold the connection until the user's later requests queued behind it for good.
 */
const STREAM_HIGH_WATER_MARK = 1024 * 1024;

/** Times on the monotonic clock, in ms after `start`, as the client saw them. */
export interface ResponseTimings {
  /** `performance.now()` when the request was sent: the origin of the other times. */
  start: number;
  /** The response headers arrived; null while none did (or when none came). */
  ttfb: number | null;
  /** The first body byte arrived. */
  firstChunk?: number;
  /** Set once by `markFirstToken()`: when the caller saw the first content token. */
  firstToken?: number;
  /** The last body byte arrived, or the body failed or was closed; null while it is open. */
  end: number | null;
}

/**
 * An undici dispatch handler for a response read as it arrives. Chunks wait in a queue for
 * the consumer; `settled` resolves when undici is done with the request, which is what frees
 * the connection (UserConnections counts it busy until then), so a held stream never shares
 * its connection with the user's next request.
 */
export class StreamReader implements Dispatcher.DispatchHandler, DeadlineTarget {
  status = 0;
  reason = '';
  headers: IncomingHttpHeaders = NO_HEADERS;
  /** The transport error, if the response failed (before or during the body). */
  error: Error | undefined;
  /** Body bytes received, read or not. */
  received = 0;
  /** No more chunks will be queued: the body ended, failed, was aborted or discarded as failed. */
  ended = false;
  /** `performance.now()` at the headers, the first body byte and the end (0 until then). */
  headersAt = 0;
  firstByteAt = 0;
  endAt = 0;
  /** The response's timings, once it exists; updated as bytes arrive. */
  timings: ResponseTimings | undefined;
  /**
   * `performance.now()` when the chunk `take()` returned last arrived: a consumer that falls
   * behind still times what it reads by its arrival, not by when it got to it.
   */
  takenAt = 0;
  /**
   * While set, each chunk goes to it as it arrives, with its arrival time, instead of the queue:
   * a consumer that parses in step with the connection, with no promise per chunk.
   */
  sink: ((chunk: Buffer, at: number) => void) | undefined;
  /** A consumer is reading: unread bytes above the high-water mark pause the connection. */
  reading = false;
  /** Called once when `ended` becomes true. */
  onEnd: (() => void) | undefined;
  /** Resolves with this reader at the headers, or at a failure before them. */
  readonly headersReceived: Promise<StreamReader>;
  /** Resolves when undici is done with the request (end, error or abort). */
  readonly settled: Promise<void>;

  #controller: Dispatcher.DispatchController | undefined;
  #deadline: Deadline | undefined;
  #timer: NodeJS.Timeout | undefined;
  #queue: Buffer[] = [];
  /** The arrival time of each queued chunk. */
  #arrivals: number[] = [];
  #queued = 0;
  #discarding = false;
  #aborted = false;
  #wake: (() => void) | undefined;
  #resolveHeaders!: (reader: StreamReader) => void;
  #resolveSettled!: () => void;

  constructor() {
    this.headersReceived = new Promise((resolve) => (this.#resolveHeaders = resolve));
    this.settled = new Promise((resolve) => (this.#resolveSettled = resolve));
  }

  /** Sends the request on `dispatcher`, to be over by `deadline`; the promise is `settled`. */
  start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, deadline?: Deadline): Promise<void> {
    if (deadline !== undefined) {
      this.#deadline = deadline;
      this.#timer = armDeadline(this, deadline);
    }
    try {
      dispatcher.dispatch(options, this);
    } catch (err) {
      // A closed or destroyed dispatcher throws instead of calling back.
      this.onResponseError(undefined, err as Error);
    }
    return this.settled;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Ended before it was sent (timed out or closed while connecting): drop it now.
    if (this.ended) controller.abort(this.error ?? new Error('response body closed by the caller'));
    else this.#controller = controller;
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
    this.headersAt = performance.now();
    this.#resolveHeaders(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    const now = performance.now();
    if (this.firstByteAt === 0) {
      this.firstByteAt = now;
      if (this.timings) this.timings.firstChunk = this.firstByteAt - this.timings.start;
    }
    if (this.#discarding) return;
    if (this.sink) {
      this.sink(chunk, now);
      return;
    }
    this.#queue.push(chunk);
    this.#arrivals.push(now);
    this.#queued += chunk.length;
    if (this.reading && this.#queued > STREAM_HIGH_WATER_MARK) controller.pause();
    this.#wakeConsumer();
  }

  onResponseEnd(): void {
    this.#end();
    this.#resolveSettled();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    // After abort() the error is the one abort() gave: the caller closed the body on purpose.
    if (!this.#aborted && !this.ended) this.error = error;
    this.#end();
    this.#resolveHeaders(this);
    this.#resolveSettled();
  }

  /** The timeout passed: the body ends now as failed, and the connection is closed. */
  onDeadline(): void {
    this.#timer = undefined;
    if (this.ended) return;
    const deadline = this.#deadline!;
    if (!passed(deadline)) {
      this.#timer = armDeadline(this, deadline);
      return;
    }
    const controller = this.#controller;
    const phase = controller === undefined ? 'connect' : this.headersAt === 0 ? 'headers' : 'body';
    const error = timeoutError(deadline, phase);
    this.onResponseError(controller, error);
    // Not sent yet (still connecting): onRequestStart aborts it when it would be.
    controller?.abort(error);
  }

  /** The next unread chunk, if one is queued. */
  take(): Buffer | undefined {
    const chunk = this.#queue.shift();
    if (chunk === undefined) return undefined;
    this.takenAt = this.#arrivals.shift() ?? performance.now();
    this.#queued -= chunk.length;
    if (this.#queued === 0) this.#resume();
    return chunk;
  }

  /** Resolves when a chunk is queued or the body ends. */
  wait(): Promise<void> {
    if (this.ended || this.#queued > 0) return Promise.resolve();
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Resolves a pending `wait()` now (a sink that stopped taking chunks). */
  wake(): void {
    this.#wakeConsumer();
  }

  /** Drops unread chunks and those still to come; the body is still read to its end. */
  discard(): void {
    this.#discarding = true;
    this.#queue = [];
    this.#arrivals = [];
    this.#queued = 0;
    this.#resume();
  }

  /** Ends the body now: the rest is not read, and the connection is closed. */
  abort(): void {
    if (this.ended) return;
    this.#aborted = true;
    this.discard();
    this.#end();
    const controller = this.#controller;
    if (controller) controller.abort(new Error('response body closed by the caller'));
    else this.#resolveSettled();
  }

  /** Ends the body as failed with `error` (e.g. too many redirects); the rest is discarded. */
  fail(error: Error): void {
    this.error = error;
    this.discard();
    this.#end();
  }

  #end(): void {
    if (this.ended) return;
    this.ended = true;
    this.endAt = performance.now();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.timings) this.timings.end = this.endAt - this.timings.start;
    this.#wakeConsumer();
    this.onEnd?.();
  }

  #resume(): void {
    const controller = this.#controller;
    if (controller?.paused) controller.resume();
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      wake();
    }
  }
}
