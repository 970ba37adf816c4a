/** Locust's WORKER_LOG_REPORT_INTERVAL: a worker sends its recent log lines every 10 s. */
export const WORKER_LOG_INTERVAL_MS = 10_000;
/** Lines kept and sent, as the master's own `/logs` keeps 500. */
const KEPT_LINES = 500;
/** More new lines than this in one interval and shipping stops (Locust's rule against log floods). */
const MAX_NEW_LINES = 70;
/** Longest line sent; a longer one is cut, so one huge line cannot swell every frame. */
export const MAX_LOG_LINE = 4096;

/**
 * A worker's recent log lines for the master's `/logs` (Locust's logs_reporter): the last 500
 * lines, sent when new ones came. A worker that logs more than 70 lines in one interval sends
 * once more, warns, and stops sending: the master's page is for reading, not for a flood.
 */
export class WorkerLogs {
  readonly #lines: string[] = [];
  #fresh = 0;
  #disabled = false;
  /** Set when shipping stopped; the caller logs it once (through the logger this class is fed by). */
  onDisabled: (() => void) | undefined;

  push(line: string): void {
    if (this.#disabled) return;
    this.#lines.push(line.length > MAX_LOG_LINE ? line.slice(0, MAX_LOG_LINE) : line);
    if (this.#lines.length > KEPT_LINES) this.#lines.splice(0, this.#lines.length - KEPT_LINES);
    this.#fresh++;
  }

  /** The lines to send now, or undefined when nothing new came (or shipping has stopped). */
  take(): string[] | undefined {
    if (this.#disabled || this.#fresh === 0) return undefined;
    const flood = this.#fresh > MAX_NEW_LINES;
    this.#fresh = 0;
    const lines = [...this.#lines];
    if (flood) {
      this.#disabled = true;
      this.onDisabled?.();
    }
    return lines;
  }
}
