import type { Logger } from '@locusta/core';
import type { RequestStats, Slo, SloResult } from '@locusta/stats';
import { checkSlos, formatSlo, formatSloValue } from '@locusta/stats';

/** The documented exit code of a run whose SLOs failed (1 and 2 keep Locust's meanings). */
export const SLO_EXIT_CODE = 3;

/** How often SLOs are checked on the (merged) statistics: as often as the console table. */
const CHECK_INTERVAL_MS = 2000;

export interface SloMonitorOptions {
  logger: Logger;
  /** Stop the run at the first failed check after the grace period. */
  abort: boolean;
  graceSeconds: number;
  onAbort: (reason: string) => void;
}

/**
 * Checks `--slo` expressions every 2 s on the cumulative statistics (a master's are merged from
 * every worker), logs each change between pass and fail, and with `--slo-abort` ends the run at
 * the first failure past the grace period. An SLO fails the run if it fails at the end, or if
 * it aborted the run.
 */
export class SloMonitor {
  readonly slos: readonly Slo[];
  readonly #stats: RequestStats;
  readonly #o: SloMonitorOptions;
  readonly #failing = new Set<string>();
  #abortedBy: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;

  constructor(slos: readonly Slo[], stats: RequestStats, options: SloMonitorOptions) {
    this.slos = slos;
    this.#stats = stats;
    this.#o = options;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One check; returns the results. */
  check(): SloResult[] {
    const results = checkSlos(this.slos, this.#stats);
    for (const r of results) {
      const text = formatSlo(r.slo);
      if (!r.pass && !this.#failing.has(text)) {
        this.#failing.add(text);
        this.#o.logger.warn(`SLO ${text} failed: ${formatSloValue(r.slo, r.value)}`);
      } else if (r.pass && this.#failing.delete(text)) {
        this.#o.logger.info(`SLO ${text} passes again: ${formatSloValue(r.slo, r.value)}`);
      }
    }
    const failed = results.find((r) => !r.pass);
    const graceOver = performance.now() - this.#startedAt >= this.#o.graceSeconds * 1000;
    if (failed && this.#o.abort && graceOver && this.#abortedBy === undefined) {
      this.#abortedBy = formatSlo(failed.slo);
      this.#o.onAbort(`SLO ${this.#abortedBy} failed (${formatSloValue(failed.slo, failed.value)}), stopping the run (--slo-abort)`);
    }
    return results;
  }

  /** The SLO (its canonical text) that stopped the run with `--slo-abort`, if one did. */
  get abortedBy(): string | undefined {
    return this.#abortedBy;
  }

  /** The final results on the final statistics; an SLO that aborted the run stays failed. */
  final(): SloResult[] {
    this.stop();
    return checkSlos(this.slos, this.#stats).map((r) => (formatSlo(r.slo) === this.#abortedBy ? { ...r, pass: false } : r));
  }
}
