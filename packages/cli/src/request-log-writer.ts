import { closeSync, openSync, write, writeSync } from 'node:fs';

/** Characters the writer may hold while the disk is behind; past them, lines are dropped and counted. */
const MAX_QUEUED_CHARS = 32 * 1024 * 1024;

/** Lines are gathered this long before a write, so a busy run makes one system call per batch. */
const FLUSH_MS = 100;

/** What a closed writer did: the lines written, those dropped, and the error that stopped it. */
export interface RequestLogTotals {
  lines: number;
  dropped: number;
  error: unknown;
}

/**
 * Appends JSON lines to a file without blocking the event loop: lines are queued and written
 * in batches, one write in flight at a time (the next batch waits for it, which is the
 * backpressure). The queue is bounded: when the disk falls behind, further lines are dropped and
 * counted, and `close` ends the file with a line saying how many.
 */
export class RequestLogWriter {
  readonly #fd: number;
  #queue: string[] = [];
  #queuedChars = 0;
  #writing = false;
  #timer: NodeJS.Timeout | undefined;
  #lines = 0;
  #dropped = 0;
  #error: unknown;
  #closed = false;
  #idle: Array<() => void> = [];
  readonly #maxQueuedChars: number;

  /** Opens (truncates) the file now: a file that cannot be made fails before the run. */
  constructor(file: string, options: { maxQueuedChars?: number } = {}) {
    this.#fd = openSync(file, 'w');
    this.#maxQueuedChars = options.maxQueuedChars ?? MAX_QUEUED_CHARS;
  }

  /** Queues one line (without its newline). */
  push(line: string): void {
    if (this.#closed || this.#error !== undefined || this.#queuedChars + line.length > this.#maxQueuedChars) {
      this.#dropped++;
      return;
    }
    this.#queue.push(line);
    this.#queuedChars += line.length + 1;
    this.#lines++;
    if (!this.#writing && this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), FLUSH_MS);
  }

  /** Counts lines lost elsewhere (a worker's own bound). */
  addDropped(count: number): void {
    this.#dropped += count;
  }

  get dropped(): number {
    return this.#dropped;
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#writing) return;
    if (this.#queue.length === 0 || this.#error !== undefined) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    const buffer = Buffer.from(`${this.#queue.join('\n')}\n`);
    this.#queue = [];
    this.#queuedChars = 0;
    this.#writing = true;
    this.#writeAll(buffer, 0);
  }

  #writeAll(buffer: Buffer, offset: number): void {
    write(this.#fd, buffer, offset, buffer.length - offset, null, (err, written) => {
      if (err) {
        this.#error = err;
        this.#writing = false;
        this.#flush();
        return;
      }
      if (offset + written < buffer.length) {
        this.#writeAll(buffer, offset + written);
        return;
      }
      this.#writing = false;
      this.#flush();
    });
  }

  /** Writes what is queued, ends the file with the count of dropped lines (if any) and closes it. */
  async close(): Promise<RequestLogTotals> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      await new Promise<void>((resolve) => {
        this.#idle.push(resolve);
        this.#flush();
      });
      this.#finish();
    }
    return this.totals();
  }

  /**
   * The exit at once (a second Ctrl-C): what is queued is written synchronously. A batch
   * already handed to the disk completes on its own, possibly after these lines.
   */
  closeSync(): RequestLogTotals {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      if (this.#queue.length > 0 && this.#error === undefined) {
        try {
          writeSync(this.#fd, `${this.#queue.join('\n')}\n`);
        } catch (err) {
          this.#error = err;
        }
      }
      this.#queue = [];
      this.#finish();
    }
    return this.totals();
  }

  totals(): RequestLogTotals {
    return { lines: this.#lines, dropped: this.#dropped, error: this.#error };
  }

  #finish(): void {
    try {
      if (this.#dropped > 0 && this.#error === undefined) {
        const note = { dropped: this.#dropped, note: `${this.#dropped} request lines were dropped: the log could not keep up with the requests` };
        writeSync(this.#fd, `${JSON.stringify(note)}\n`);
      }
    } catch (err) {
      this.#error ??= err;
    } finally {
      closeSync(this.#fd);
    }
  }
}
