import type { Logger } from '@locusta/core';
import type { RequestStats } from '@locusta/stats';
import { MANY_NAMES_THRESHOLD, manyNamesWarning } from '@locusta/stats';

/** How often the number of entries is looked at. */
const CHECK_MS = 1000;

/**
 * Warns once, while the run goes on, when the statistics pass MANY_NAMES_THRESHOLD distinct
 * request names (on a master, the entries merged from every worker), and gives the line again
 * for the final summary, where it is read after the tables it explains.
 */
export class NamesWatch {
  readonly #stats: RequestStats;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(stats: RequestStats, logger: Logger) {
    this.#stats = stats;
    this.#logger = logger;
  }

  start(): void {
    this.#timer = setInterval(() => this.check(), CHECK_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Logs the warning the first time the threshold is passed. */
  check(): void {
    if (this.#warned || this.#stats.size <= MANY_NAMES_THRESHOLD) return;
    this.#warned = true;
    this.#logger.warn(manyNamesWarning(this.#stats.size));
  }

  /** The summary's line, or null while the names are few. */
  summaryLine(): string | null {
    this.check();
    return this.#stats.size > MANY_NAMES_THRESHOLD ? manyNamesWarning(this.#stats.size) : null;
  }
}
