import type { IntervalHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Environment } from '@locusta/core';
import { MANY_NAMES_THRESHOLD, RequestStats } from '@locusta/stats';

/** Locust's CPU warning threshold, in percent of one core. */
export const CPU_WARNING_THRESHOLD = 90;
/** Event-loop lag above which response times stop being trustworthy, in ms. */
export const LOOP_LAG_WARNING_MS = 100;

/**
 * Samples this process's CPU and memory (Locust's monitor_cpu_and_memory, every 10 s) and the
 * event loop's delay. A load generator that is short of CPU, or whose event loop lags, measures
 * its own queueing instead of the target's latency, so both are warned about (once each).
 */
export class UsageMonitor {
  cpuUsage = 0;
  memoryUsage = 0;
  cpuWarningEmitted = false;
  lagWarningEmitted = false;
  maxLoopLagMs = 0;
  readonly #env: Environment;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #loop: IntervalHistogram | undefined;
  #lastCpu = process.cpuUsage();
  #lastTime = performance.now();

  constructor(env: Environment, options: { intervalMs?: number } = {}) {
    this.#env = env;
    this.#intervalMs = options.intervalMs ?? 10_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#loop = monitorEventLoopDelay({ resolution: 20 });
    this.#loop.enable();
    this.#lastCpu = process.cpuUsage();
    this.#lastTime = performance.now();
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#loop?.disable();
  }

  /**
   * What most likely held the event loop. Thousands of request names make every table, CSV
   * write and report walk thousands of entries (more processes would not help); a saturated CPU
   * means too many users for one process; otherwise something ran synchronously for long.
   */
  #lagCause(): string {
    const stats = this.#env.stats;
    const names = stats instanceof RequestStats ? stats.size : 0;
    if (names > MANY_NAMES_THRESHOLD) {
      return `likely cause: ${names} distinct request names, more than ${MANY_NAMES_THRESHOLD}: group URLs with name=... (e.g. this.client.get(\`/item/\${id}\`, { name: '/item/[id]' }))`;
    }
    if (this.cpuUsage > CPU_WARNING_THRESHOLD) {
      return `likely cause: the CPU is saturated (${Math.round(this.cpuUsage)}% of a core) by too many users for one process: spread them over more worker processes with --processes`;
    }
    return 'likely cause: blocking (synchronous) work in the user file or an event listener, or too many users for one process (--processes spreads them)';
  }

  /** Takes one sample now (also called by the interval). */
  sample(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.#lastCpu);
    const elapsedUs = (now - this.#lastTime) * 1000;
    this.#lastCpu = process.cpuUsage();
    this.#lastTime = now;
    this.cpuUsage = elapsedUs > 0 ? (100 * (cpu.user + cpu.system)) / elapsedUs : 0;
    this.memoryUsage = process.memoryUsage.rss();
    const env = this.#env;
    env.events.usageMonitor.fire({ environment: env, cpuUsage: this.cpuUsage, memoryUsage: this.memoryUsage });
    if (this.cpuUsage > CPU_WARNING_THRESHOLD) {
      env.events.cpuWarning.fire({ environment: env, cpuUsage: this.cpuUsage });
      if (!this.cpuWarningEmitted) {
        this.cpuWarningEmitted = true;
        env.logger.warn(
          `CPU usage above ${CPU_WARNING_THRESHOLD}%! This may constrain your throughput and may even give inconsistent response time measurements! Run more workers (--processes) to spread the load`,
        );
      }
    }
    if (this.#loop) {
      const lagMs = this.#loop.max / 1e6 - 20;
      this.#loop.reset();
      this.maxLoopLagMs = Math.max(this.maxLoopLagMs, lagMs);
      if (lagMs > LOOP_LAG_WARNING_MS && !this.lagWarningEmitted) {
        this.lagWarningEmitted = true;
        env.logger.warn(
          `Event loop lag reached ${Math.round(lagMs)} ms (over ${LOOP_LAG_WARNING_MS} ms): response times include the load generator's own delay; ${this.#lagCause()}`,
        );
      }
    }
  }
}
