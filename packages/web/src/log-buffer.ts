/** Locust keeps the last 500 log lines for `/logs`. */
export const DEFAULT_LOG_LINES = 500;

/**
 * The most recent log lines, for `/logs`. A fixed ring: pushing is O(1) and never allocates
 * once full, so the CLI can feed every formatted line into it.
 */
export class LogBuffer {
  readonly capacity: number;
  readonly #ring: string[] = [];
  #next = 0;

  constructor(capacity: number = DEFAULT_LOG_LINES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LogBuffer capacity must be a whole number >= 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Adds one line (a trailing newline is dropped); the oldest line goes once the buffer is full. */
  push(line: string): void {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (this.#ring.length < this.capacity) this.#ring.push(text);
    else this.#ring[this.#next] = text;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The lines, oldest first. */
  lines(): string[] {
    if (this.#ring.length < this.capacity) return [...this.#ring];
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  get size(): number {
    return this.#ring.length;
  }

  clear(): void {
    this.#ring.length = 0;
    this.#next = 0;
  }
}
