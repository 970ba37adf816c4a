/**
 * Wait times, in seconds, applied after each task (Locust's `wait_time`). Each factory returns a
 * fresh function; assigned as an instance field (`waitTime = between(1, 3)`) it is created per
 * user, so the pacing state of `constantPacing` belongs to that user.
 */
export type WaitTimeFn = (this: unknown) => number;

/**
 * Marks a wait-time function that keeps a schedule (constantPacing): after each call it holds
 * how late, in ms, the next task will start against its intended start, before timer lateness.
 */
export const PACING_LAG: unique symbol = Symbol('locusta.pacingLag');

/**
 * A random time between `min` and `max` seconds. As in Locust, the bounds may come in either
 * order (`between(5, 1)` waits 1 to 5 s); a negative or non-number bound is refused.
 */
export function between(min: number, max: number): WaitTimeFn {
  if (!(min >= 0) || !(max >= 0)) throw new RangeError(`between(${min}, ${max}): need two times >= 0`);
  return () => min + Math.random() * (max - min);
}

/** Always `seconds`. */
export function constant(seconds: number): WaitTimeFn {
  if (!(seconds >= 0)) throw new RangeError(`constant(${seconds}): need a time >= 0`);
  return () => seconds;
}

/**
 * Waits so that tasks start every `seconds` at most: the time of the last task is subtracted
 * from the wait (Locust's constant_pacing). A task longer than the pace gives a wait of 0.
 *
 * Each task's intended start is the previous start plus the pace, so a task that starts late
 * (the previous one ran over, or the timer fired late) records its lag: its requests get a
 * response time corrected for coordinated omission beside the plain one. As in Locust the pace
 * restarts from a late task rather than bursting to catch up.
 */
export function constantPacing(seconds: number): WaitTimeFn {
  // 0 is Locust's "no pause at all": every wait is max(0, 0 - run time).
  if (!(seconds >= 0)) throw new RangeError(`constantPacing(${seconds}): need a time >= 0`);
  let lastRun = performance.now() / 1000;
  let lastWait = 0;
  const fn = (() => {
    const now = performance.now() / 1000;
    const runTime = now - lastRun - lastWait;
    lastWait = Math.max(0, seconds - runTime);
    lastRun = now;
    fn[PACING_LAG] = Math.max(0, runTime - seconds) * 1000;
    return lastWait;
  }) as WaitTimeFn & { [PACING_LAG]: number };
  fn[PACING_LAG] = 0;
  return fn;
}

/** At most `taskRunsPerSecond` task runs per second per user (Locust's constant_throughput). */
export function constantThroughput(taskRunsPerSecond: number): WaitTimeFn {
  if (!(taskRunsPerSecond > 0)) {
    throw new RangeError(`constantThroughput(${taskRunsPerSecond}): need a rate > 0`);
  }
  return constantPacing(1 / taskRunsPerSecond);
}

/**
 * Exponentially distributed waits with mean `1 / rate` seconds, so each user's task starts form
 * a Poisson process of `rate` per second (the wait of Locust's poisson()). `random` may be a
 * seeded generator for repeatable runs.
 */
export function poisson(rate: number, random: () => number = Math.random): WaitTimeFn {
  if (!(rate > 0)) throw new RangeError(`poisson(${rate}): need a rate > 0`);
  return () => -Math.log(1 - random()) / rate;
}
