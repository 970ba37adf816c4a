import { LocustaError, UserKilled } from '@locusta/core';
import { HttpResponse } from './http-response.ts';
import { LineDecoder } from './line-decoder.ts';
import { NdjsonDecoder } from './ndjson-decoder.ts';
import type { NdjsonItem } from './ndjson-decoder.ts';
import { SseParser } from './sse-parser.ts';
import type { ServerSentEvent } from './sse-parser.ts';
import type { ResponseTimings, StreamReader } from './stream-reader.ts';

/** Internal slots the session uses; symbols keep them off the public surface. */
export const kHold = Symbol('locusta.http.hold');
export const kRecord = Symbol('locusta.http.record');
export const kSettle = Symbol('locusta.http.settle');

/** Fires the request event of a response; `background` when no task is there to steer. */
export type StreamRecorder = (response: StreamedResponse, background: boolean) => void;

export interface StreamedResponseInit {
  reader: StreamReader;
  /** 0 when no response came (the reader's error says why). */
  status: number;
  url: string;
  /** `performance.now()` when the request was sent. */
  start: number;
  /** The user the request belongs to: a killed user reads no more and records nothing. */
  user: { readonly killed: boolean };
  /** Turns a transport error into the RequestError recorded for it. */
  toError: (error: Error) => Error;
  record: StreamRecorder;
}

/**
 * A response whose body is read as it arrives (`stream: true`): the request resolves at the
 * headers, and the body comes through one of `chunks()`, `lines()`, `ndjson()` or `events()`.
 *
 * The request is recorded once, when the body is over, with the time of its last byte and the
 * bytes received: when a reader reaches the end, when the body ends while no reader is
 * active, on `close()`, or when a `catchResponse` callback returns. Leaving a reading loop
 * early (`break`) lets the rest of the body be read and dropped in the background, so the
 * recorded time still ends at the last byte; `close()` instead stops reading at once. A
 * connection error or timeout during the body ends the reading loop without throwing: `error`
 * is set, the status stays, and the request is recorded as that failure. `elapsed` and `error`
 * are set when the body is over (`elapsed` is NaN until then); `size` counts the bytes so far.
 */
export class StreamedResponse extends HttpResponse {
  /** Client-side times of this response, in ms after `timings.start`. */
  readonly timings: ResponseTimings;
  [kHold] = false;

  readonly #reader: StreamReader;
  readonly #user: { readonly killed: boolean };
  readonly #toError: (error: Error) => Error;
  readonly #record: StreamRecorder;
  #reading = false;
  #recorded = false;
  #parser: SseParser | undefined;

  constructor(init: StreamedResponseInit) {
    const reader = init.reader;
    super({
      status: init.status,
      reason: reader.reason,
      headers: reader.headers,
      url: init.url,
      body: undefined,
      elapsed: Number.NaN,
      error: undefined,
    });
    this.#reader = reader;
    this.#user = init.user;
    this.#toError = init.toError;
    this.#record = init.record;
    const start = init.start;
    this.timings = { start, ttfb: reader.headersAt === 0 ? null : reader.headersAt - start, end: null };
    if (reader.firstByteAt !== 0) this.timings.firstChunk = reader.firstByteAt - start;
    reader.timings = this.timings;
    if (reader.ended) this.#finalize();
    else reader.onEnd = () => this.#bodyEnded();
  }

  /** Bytes of body received so far (read or not). */
  override get size(): number {
    return this.#reader.received;
  }

  /** True once the body has ended, failed or been closed. */
  get done(): boolean {
    return this.#reader.ended;
  }

  /** SSE comment lines (`: ping`...) that `events()` has skipped so far. */
  get comments(): number {
    return this.#parser?.comments ?? 0;
  }

  /** A streamed body is not kept: read it with chunks(), lines() or events(). */
  override text(): string {
    throw new LocustaError(
      'LOCUSTA_ERR_USAGE',
      'a streamed response (stream: true) keeps no body: read it with response.chunks(), response.lines() or response.events()',
    );
  }

  /**
   * Records when the caller saw the first content token (the first call wins) and returns that
   * time in ms after `timings.start`: now, or `at` (ms after `timings.start`) when the caller
   * knows when the bytes carrying it arrived (`readEvents`).
   */
  markFirstToken(at?: number): number {
    return (this.timings.firstToken ??= at ?? performance.now() - this.timings.start);
  }

  /** The body's chunks as they arrive. */
  async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#reading) {
      throw new LocustaError('LOCUSTA_ERR_USAGE', 'the body of this streamed response is already being read');
    }
    this.#reading = true;
    this.#reader.reading = true;
    try {
      for (let chunk = await this.#next(); chunk !== undefined; chunk = await this.#next()) yield chunk;
    } finally {
      this.#stopReading();
    }
  }

  /** The body's text lines (UTF-8), without their endings (`\n`, `\r\n` or `\r`). */
  async *lines(): AsyncGenerator<string, void, undefined> {
    const decoder = new LineDecoder();
    for await (const chunk of this.chunks()) {
      for (const line of decoder.push(chunk)) yield line;
    }
    for (const line of decoder.end()) yield line;
  }

  /**
   * The body's newline-delimited JSON values (`application/x-ndjson`, Ollama's native
   * streams), one item a non-empty line: `{ ok: true, value }`, or `{ ok: false, line, error }`
   * for a line that is not JSON.
   */
  async *ndjson(): AsyncGenerator<NdjsonItem, void, undefined> {
    const decoder = new NdjsonDecoder();
    for await (const chunk of this.chunks()) {
      for (const item of decoder.push(chunk)) yield item;
    }
    for (const item of decoder.end()) yield item;
  }

  /** The body's server-sent events (`text/event-stream`); comments are counted in `comments`. */
  async *events(): AsyncGenerator<ServerSentEvent, void, undefined> {
    const parser = (this.#parser = new SseParser());
    for await (const chunk of this.chunks()) {
      for (const event of parser.feed(chunk)) yield event;
    }
    parser.end();
  }

  /**
   * The body's server-sent events, handed to `onEvent` as each network chunk is parsed, with
   * the time (ms after `timings.start`) that chunk arrived: a reader that falls behind still
   * times each event by its arrival. Returning false stops reading, as leaving `events()` early
   * does (the rest is read and dropped). The cheap way through long token streams: one await per
   * network chunk, none per event, where `events()` takes two async-generator steps per event.
   */
  async readEvents(onEvent: (event: ServerSentEvent, at: number) => boolean | void): Promise<void> {
    if (this.#reading) {
      throw new LocustaError('LOCUSTA_ERR_USAGE', 'the body of this streamed response is already being read');
    }
    this.#reading = true;
    const reader = this.#reader;
    reader.reading = true;
    const parser = (this.#parser = new SseParser());
    const start = this.timings.start;
    try {
      // What arrived before reading started, from the queue.
      for (let chunk = reader.take(); chunk !== undefined; chunk = reader.take()) {
        if (this.#user.killed) throw new UserKilled();
        const at = reader.takenAt - start;
        for (const event of parser.feed(chunk)) if (onEvent(event, at) === false) return;
      }
      // Then each chunk as it arrives, parsed in undici's callback: one wait for the whole body.
      let stopped = false;
      let failure: unknown;
      reader.sink = (chunk, arrived) => {
        try {
          if (this.#user.killed) throw new UserKilled();
          const at = arrived - start;
          for (const event of parser.feed(chunk)) {
            if (onEvent(event, at) === false) {
              stopped = true;
              break;
            }
          }
        } catch (err) {
          stopped = true;
          failure = err;
        }
        if (stopped) {
          reader.sink = undefined;
          reader.wake();
        }
      };
      while (!stopped && !reader.ended) await reader.wait();
      reader.sink = undefined;
      if (failure !== undefined) throw failure;
      if (stopped) return;
      if (this.#user.killed) throw new UserKilled();
      parser.end();
      if (!this[kHold]) this[kRecord](false);
    } finally {
      reader.sink = undefined;
      this.#stopReading();
    }
  }

  /**
   * Stops reading: an unfinished body is abandoned (its connection is closed) and the request
   * is recorded now, with the bytes received so far. Inside `catchResponse` it is recorded when
   * the callback returns. Calling it on a finished body only drops what was not read.
   */
  close(): void {
    const reader = this.#reader;
    if (!reader.ended) {
      reader.onEnd = undefined;
      reader.abort();
      this.#finalize();
    } else {
      reader.discard();
    }
    if (!this[kHold]) this[kRecord](false);
  }

  /** Fires the request event, once. */
  [kRecord](background: boolean): void {
    if (this.#recorded) return;
    this.#recorded = true;
    this.#record(this, background);
  }

  /** Drops what was not read and waits for the end of the body (end of a catchResponse). */
  async [kSettle](): Promise<void> {
    const reader = this.#reader;
    reader.discard();
    while (!reader.ended) await reader.wait();
  }

  async #next(): Promise<Buffer | undefined> {
    const reader = this.#reader;
    for (;;) {
      if (this.#user.killed) throw new UserKilled();
      const chunk = reader.take();
      if (chunk !== undefined) return chunk;
      if (reader.ended) {
        if (!this[kHold]) this[kRecord](false);
        return undefined;
      }
      await reader.wait();
    }
  }

  #stopReading(): void {
    this.#reading = false;
    const reader = this.#reader;
    reader.reading = false;
    // Left early: the rest is read and dropped, and #bodyEnded records the request.
    if (!reader.ended) reader.discard();
    else if (!this[kHold] && !this.#user.killed) this[kRecord](false);
  }

  /** The reader's end, called from undici's callbacks. */
  #bodyEnded(): void {
    this.#finalize();
    if (!this.#reading && !this[kHold]) this[kRecord](true);
  }

  #finalize(): void {
    const reader = this.#reader;
    const self = this as { elapsed: number; error: Error | undefined };
    self.elapsed = reader.endAt - this.timings.start;
    self.error = reader.error === undefined ? undefined : this.#toError(reader.error);
    this.timings.end = self.elapsed;
  }
}
