/** One server-sent event, as dispatched by the event-stream parsing rules. */
export interface ServerSentEvent {
  /** The `event:` field; absent for the default type (`message`). */
  event?: string;
  /** The `data:` lines of the event, joined with `\n`. `[DONE]` and the like are plain data. */
  data: string;
  /** The last event ID of the stream (it carries over to later events, as in EventSource). */
  id?: string;
  /** A `retry:` field given in this event (a reconnection time in ms). */
  retry?: number;
}

const NO_EVENTS: readonly ServerSentEvent[] = Object.freeze([]);
const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** `bytes` as a Buffer over the same memory (no copy), for Buffer's indexOf and UTF-8 slicing. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** buf[a, b) spells `name` (ASCII). */
function spells(buf: Buffer, a: number, b: number, name: string): boolean {
  if (b - a !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[a + i] !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * An incremental parser of `text/event-stream` bodies, following the WHATWG HTML parsing
 * rules: feed it the bytes as they arrive, in chunks of any size, and it returns the events
 * each chunk completes. It holds no I/O, so it can be tested on every way a body can be split.
 *
 * Lines starting with `:` are comments (servers send `: ping` to keep idle connections open);
 * they dispatch nothing but are counted in `comments`. An event is dispatched at a blank line;
 * at the end of the stream an event without its blank line is discarded, as the rules say.
 *
 * It works on the bytes: lines are found with Buffer's indexOf and only field values are
 * decoded (UTF-8, invalid sequences as U+FFFD), so a token stream costs one string per event
 * rather than a decode of every chunk and a string per line. A line split between chunks keeps
 * its bytes until it ends, so a character split with it comes out whole.
 */
export class SseParser {
  /** Comment lines seen so far (keep-alive pings and the like). */
  comments = 0;
  /** The stream's last event ID (`id:` fields persist across events). */
  lastEventId = '';
  /** The last valid `retry:` value of the stream, if any. */
  retry: number | undefined;

  /** The bytes of the line not yet ended. */
  #pending: Buffer | undefined;
  /** The last chunk ended with `\r`: a `\n` starting the next one belongs to that ending. */
  #afterCR = false;
  /** The first line was seen (a byte order mark is dropped from it only). */
  #begun = false;
  #data: string | undefined;
  #event = '';
  #eventRetry: number | undefined;

  /** The events completed by `bytes` (a shared empty array when none). */
  feed(bytes: Uint8Array): readonly ServerSentEvent[] {
    let buf = asBuffer(bytes);
    let start = 0;
    if (this.#afterCR) {
      this.#afterCR = false;
      if (buf.length > 0 && buf[0] === LF) start = 1;
    }
    if (this.#pending !== undefined) {
      buf = Buffer.concat([this.#pending, buf.subarray(start)]);
      start = 0;
      this.#pending = undefined;
    }
    const end = buf.length;
    const events: ServerSentEvent[] = [];
    let lf = buf.indexOf(LF, start);
    let cr = buf.indexOf(CR, start);
    while (lf !== -1 || cr !== -1) {
      const eol = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      this.#line(buf, start, eol, events);
      start = eol + 1;
      if (eol === cr) {
        if (start === end) this.#afterCR = true;
        else if (buf[start] === LF) start++;
      }
      if (lf !== -1 && lf < start) lf = buf.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start);
    }
    // A copy: the caller's buffer may be reused once feed returns.
    if (start < end) this.#pending = Buffer.from(buf.subarray(start));
    return events.length === 0 ? NO_EVENTS : events;
  }

  /** Ends the stream: a pending event that was not ended by a blank line is discarded. */
  end(): void {
    // A last line without its ending still counts (it may be a comment), but cannot dispatch.
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) this.#line(pending, 0, pending.length, undefined);
    this.#afterCR = false;
    this.#begun = false;
    this.#reset();
  }

  /** The line buf[a, b), without its ending. */
  #line(buf: Buffer, a: number, b: number, events: ServerSentEvent[] | undefined): void {
    if (!this.#begun) {
      this.#begun = true;
      if (b - a >= 3 && buf[a] === 0xef && buf[a + 1] === 0xbb && buf[a + 2] === 0xbf) a += 3;
    }
    if (a === b) {
      if (events) this.#dispatch(events);
      else this.#reset();
      return;
    }
    if (buf[a] === COLON) {
      this.comments++;
      return;
    }
    let colon = buf.indexOf(COLON, a);
    if (colon >= b) colon = -1;
    const fieldEnd = colon === -1 ? b : colon;
    let value = '';
    if (colon !== -1) {
      // One space after the colon is part of the syntax, not of the value.
      const from = buf[colon + 1] === SPACE && colon + 1 < b ? colon + 2 : colon + 1;
      value = buf.toString('utf8', from, b);
    }
    if (spells(buf, a, fieldEnd, 'data')) {
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    } else if (spells(buf, a, fieldEnd, 'event')) {
      this.#event = value;
    } else if (spells(buf, a, fieldEnd, 'id')) {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (spells(buf, a, fieldEnd, 'retry')) {
      if (/^[0-9]+$/.test(value)) {
        this.retry = Number(value);
        this.#eventRetry = this.retry;
      }
    }
    // Unknown fields are ignored.
  }

  #dispatch(events: ServerSentEvent[]): void {
    const data = this.#data;
    if (data !== undefined) {
      const event: ServerSentEvent = { data };
      if (this.#event !== '') event.event = this.#event;
      if (this.lastEventId !== '') event.id = this.lastEventId;
      if (this.#eventRetry !== undefined) event.retry = this.#eventRetry;
      events.push(event);
    }
    this.#reset();
  }

  #reset(): void {
    this.#data = undefined;
    this.#event = '';
    this.#eventRetry = undefined;
  }
}
