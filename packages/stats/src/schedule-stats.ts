import type { JsHistogram } from 'hdr-histogram-js';
import { addBuckets, bucketList, toBuckets } from './histogram-codec.ts';
import { createHistogram, recordMicros, toMicros, valuesAtPercentiles } from './histogram.ts';

/** What a worker sends of its schedule each report: counts since its last reset, lag buckets. */
export interface ScheduleSnapshot {
  iterations: number;
  dropped: number;
  /** Lag in µs, as toBuckets gives it (or packed by packBuckets). */
  lag: ArrayLike<number>;
  maxLag: number;
}

/**
 * How well the load generator kept its schedule, for runs where tasks have an intended start
 * (arrival-rate mode, constantPacing, constantThroughput): the lag of every started task behind
 * its intended start, and the arrivals dropped because no user was free to take them. A run whose
 * lag stays small delivered the load it claims; a large lag or many drops means the generator,
 * not the target, set the pace.
 */
export class ScheduleStats {
  /** Tasks started on a schedule. */
  iterations = 0;
  /** Arrivals that found no free user (arrival-rate mode). */
  dropped = 0;
  /** Largest lag, ms. */
  maxLag = 0;
  #lag: JsHistogram = createHistogram();

  /** A task started `ms` after its intended start. */
  recordLag(ms: number): void {
    const lag = ms > 0 ? ms : 0;
    this.iterations++;
    if (lag > this.maxLag) this.maxLag = lag;
    recordMicros(this.#lag, toMicros(lag));
  }

  drop(count = 1): void {
    this.dropped += count;
  }

  /** Whether anything ran on a schedule: only then is there something to report. */
  get active(): boolean {
    return this.iterations > 0 || this.dropped > 0;
  }

  /** Lag percentiles in ms for fractions `ps`. */
  lagPercentiles(ps: readonly number[]): number[] {
    return valuesAtPercentiles(this.#lag, ps).map((us) => us / 1000);
  }

  lagHistogram(): JsHistogram {
    return this.#lag;
  }

  reset(): void {
    this.iterations = 0;
    this.dropped = 0;
    this.maxLag = 0;
    this.#lag = createHistogram();
  }

  serialize(): ScheduleSnapshot {
    return { iterations: this.iterations, dropped: this.dropped, lag: toBuckets(this.#lag), maxLag: this.maxLag };
  }

  merge(s: ScheduleSnapshot): void {
    this.iterations += s.iterations;
    this.dropped += s.dropped;
    if (s.maxLag > this.maxLag) this.maxLag = s.maxLag;
    addBuckets(this.#lag, bucketList(s.lag));
  }

  /** One line for the final summary. */
  summary(): string {
    const started = this.iterations;
    const offered = started + this.dropped;
    const share = offered > 0 ? ((this.dropped / offered) * 100).toFixed(2) : '0.00';
    const [p50, p99] = this.lagPercentiles([0.5, 0.99]);
    return (
      `Schedule: ${started} tasks started on schedule, ${this.dropped} arrivals dropped (${share}%); ` +
      `lag behind the intended start: p50 ${fmt(p50!)} ms, p99 ${fmt(p99!)} ms, max ${fmt(this.maxLag)} ms`
    );
  }
}

const LAG_PERCENTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** `PREFIX_schedule.csv`: how many tasks ran on schedule, the drops, and the lag in ms. */
export function scheduleCsv(s: ScheduleStats): string {
  const lags = s.lagPercentiles(LAG_PERCENTILES).map((v) => v.toFixed(3));
  return `Iterations,Dropped,Lag 50%,Lag 90%,Lag 99%,Lag 99.9%,Lag Max\n${s.iterations},${s.dropped},${lags.join(',')},${s.maxLag.toFixed(3)}\n`;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(2);
}
