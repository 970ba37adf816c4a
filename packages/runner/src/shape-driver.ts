import type { LoadTestShape, Logger, ShapeTick, UserClass } from '@locusta/core';
import { messageOf } from '@locusta/core';

/** What the driver needs of a runner (local or master). */
export interface ShapeTarget {
  readonly userCount: number;
  start(userCount: number, spawnRate: number, userClasses?: UserClass[]): Promise<void>;
}

/**
 * Ticks a LoadTestShape about once a second (Locust's shape_worker) and ramps the runner to
 * each new tick; a `null` tick ends the test through `onEnd`. A ramp still running when the
 * next tick changes the target is superseded, so a slow ramp cannot hold the shape back.
 */
export class ShapeDriver {
  readonly #shape: LoadTestShape;
  readonly #target: ShapeTarget;
  readonly #logger: Logger;
  readonly #onEnd: () => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last = '';

  constructor(shape: LoadTestShape, target: ShapeTarget, options: { logger: Logger; onEnd: () => void; intervalMs?: number }) {
    this.#shape = shape;
    this.#target = target;
    this.#logger = options.logger;
    this.#onEnd = options.onEnd;
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  start(): void {
    this.#shape.resetTime();
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    let next: ShapeTick | null;
    try {
      next = this.#shape.tick();
    } catch (err) {
      this.#logger.error(`${this.#shape.constructor.name}.tick() failed: ${messageOf(err)}`);
      next = null;
    }
    if (next === null) {
      this.stop();
      this.#logger.info('Shape test stopping');
      this.#onEnd();
      return;
    }
    const key = `${next.userCount}|${next.spawnRate}|${next.userClasses?.map((c) => c.name).join(',') ?? ''}`;
    if (key === this.#last) return;
    this.#last = key;
    this.#logger.info(`Shape test updating to ${next.userCount} users at ${next.spawnRate.toFixed(2)} spawn rate`);
    this.#target.start(next.userCount, next.spawnRate, next.userClasses).catch((err: unknown) => {
      this.#logger.error(`Ramping for the shape failed: ${messageOf(err)}`);
    });
  }
}
