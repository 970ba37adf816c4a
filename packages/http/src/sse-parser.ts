import { LineDecoder } from './line-decoder.ts';

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

/**
 * An incremental parser of `text/event-stream` bodies, following the WHATWG HTML parsing
 * rules: feed it the bytes as they arrive, in chunks of any size, and it returns the events
 * each chunk completes. It holds no I/O, so it can be tested on every way a body can be split.
 *
 * Lines starting with `:` are comments (servers send `: ping` to keep idle connections open);
 * they dispatch nothing but are counted in `comments`. An event is dispatched at a blank line;
 * at the end of the stream an event without its blank line is discarded, as the rules say.
 */
export class SseParser {
  /** Comment lines seen so far (keep-alive pings and the like). */
  comments = 0;
  /** The stream's last event ID (`id:` fields persist across events). */
  lastEventId = '';
  /** The last valid `retry:` value of the stream, if any. */
  retry: number | undefined;

  readonly #lines = new LineDecoder();
  #data: string | undefined;
  #event = '';
  #eventRetry: number | undefined;

  /** The events completed by `bytes`. */
  feed(bytes: Uint8Array): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    for (const line of this.#lines.push(bytes)) this.#line(line, events);
    return events;
  }

  /** Ends the stream: a pending event that was not ended by a blank line is discarded. */
  end(): void {
    // A last line without its ending still counts (it may be a comment), but cannot dispatch.
    for (const line of this.#lines.end()) this.#line(line, undefined);
    this.#reset();
  }

  #line(line: string, events: ServerSentEvent[] | undefined): void {
    if (line === '') {
      if (events) this.#dispatch(events);
      else this.#reset();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.comments++;
      return;
    }
    let field = line;
    let value = '';
    if (colon > 0) {
      field = line.slice(0, colon);
      // One space after the colon is part of the syntax, not of the value.
      const from = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = line.slice(from);
    }
    switch (field) {
      case 'data':
        this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.retry = Number(value);
          this.#eventRetry = this.retry;
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
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
