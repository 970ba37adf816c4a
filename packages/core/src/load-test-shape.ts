import type { RunnerHandle } from './events.ts';
import type { UserClass } from './user.ts';

/** What a shape asks for at one tick (Locust's `(user_count, spawn_rate[, user_classes])`). */
export interface ShapeTick {
  userCount: number;
  spawnRate: number;
  /** Only these classes (by default all of them). */
  userClasses?: UserClass[];
}

const SHAPE_BRAND = Symbol.for('locusta.loadTestShape');

/**
 * Controls the user count over time (Locust's LoadTestShape): the runner calls `tick()` about
 * once a second and ramps to what it returns; `null` ends the test. Export a subclass from the
 * user file. Unless `useCommonOptions` is set, -u, -r and -t are ignored with a warning.
 */
export class LoadTestShape {
  static readonly [SHAPE_BRAND] = true;
  /** A class is concrete unless it sets `static abstract = true` itself. */
  static abstract = true;
  /** When true, -u/-r/-t keep their meaning and the shape may read them from parsedOptions. */
  static useCommonOptions = false;

  /** Set by the runner before the first tick. */
  runner: RunnerHandle | undefined;
  #start = performance.now();

  /** Seconds since the shape started. */
  getRunTime(): number {
    return (performance.now() - this.#start) / 1000;
  }

  resetTime(): void {
    this.#start = performance.now();
  }

  getCurrentUserCount(): number {
    return this.runner?.userCount ?? 0;
  }

  tick(): ShapeTick | null {
    return null;
  }
}

export function isShapeClass(value: unknown): value is typeof LoadTestShape {
  return typeof value === 'function' && SHAPE_BRAND in value;
}

/** One stage of a StagesShape: hold `users` (ramping at `spawnRate`) for `duration` seconds. */
export interface Stage {
  duration: number;
  users: number;
  spawnRate: number;
  userClasses?: UserClass[];
}

/**
 * Runs a list of stages one after the other, each for its own duration (like k6's ramping
 * stages), then stops. Subclass it and set `static stages`.
 */
export class StagesShape extends LoadTestShape {
  static override abstract = true;
  static stages: Stage[] = [];

  override tick(): ShapeTick | null {
    const stages = (this.constructor as typeof StagesShape).stages;
    let end = 0;
    const t = this.getRunTime();
    for (const stage of stages) {
      end += stage.duration;
      if (t < end) return { userCount: stage.users, spawnRate: stage.spawnRate, userClasses: stage.userClasses };
    }
    return null;
  }
}

/**
 * Adds `stepUsers` users every `stepTime` seconds up to `maxUsers`, holds the top step for one
 * more `stepTime`, then stops. Subclass it and set the statics.
 */
export class StepLoadShape extends LoadTestShape {
  static override abstract = true;
  static stepUsers = 10;
  static stepTime = 30;
  static maxUsers = 100;
  static spawnRate = 10;

  override tick(): ShapeTick | null {
    const c = this.constructor as typeof StepLoadShape;
    const steps = Math.ceil(c.maxUsers / c.stepUsers);
    const step = Math.floor(this.getRunTime() / c.stepTime);
    if (step > steps) return null;
    return { userCount: Math.min((step + 1) * c.stepUsers, c.maxUsers), spawnRate: c.spawnRate };
  }
}

/**
 * A steady `baseUsers` load with one spike to `spikeUsers` from `spikeAt` for `spikeDuration`
 * seconds, ending after `duration` seconds. Subclass it and set the statics.
 */
export class SpikeShape extends LoadTestShape {
  static override abstract = true;
  static baseUsers = 10;
  static spikeUsers = 100;
  static spikeAt = 30;
  static spikeDuration = 10;
  static duration = 90;
  static spawnRate = 50;

  override tick(): ShapeTick | null {
    const c = this.constructor as typeof SpikeShape;
    const t = this.getRunTime();
    if (t >= c.duration) return null;
    const spiking = t >= c.spikeAt && t < c.spikeAt + c.spikeDuration;
    return { userCount: spiking ? c.spikeUsers : c.baseUsers, spawnRate: c.spawnRate };
  }
}
