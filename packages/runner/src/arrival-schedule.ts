import { parseTimespan, seededRandom } from '@locusta/core';
import { gammaSampler } from './gamma.ts';

/** A ramp of the arrival rate: from the previous rate to `rate` over `duration` seconds. */
export interface RateStage {
  duration: number;
  rate: number;
}

/** How iterations arrive: at a rate (per second, for the whole run across every worker). */
export interface ArrivalPlan {
  /** The rate at the start; stages ramp it linearly, and the last rate holds until the run ends. */
  rate: number;
  stages: RateStage[];
  /**
   * `even`: evenly spaced; `poisson`: a Poisson process of the same rate; `gamma`: gaps drawn
   * from a gamma distribution of shape `burstiness` (bursty below 1, regular above; 1 is Poisson).
   */
  spacing: 'even' | 'poisson' | 'gamma';
  /** The gamma shape of `gamma` spacing (> 0); ignored by the others. */
  burstiness?: number;
  seed: number;
}

/** One piece of the rate: linear from `r0` at `t0` to `r1` at `t1` (seconds), with Λ(t0) = `cum`. */
interface Segment {
  t0: number;
  t1: number;
  r0: number;
  r1: number;
  cum: number;
}

function segmentsOf(plan: ArrivalPlan): Segment[] {
  const out: Segment[] = [];
  let t = 0;
  let r = plan.rate;
  let cum = 0;
  for (const stage of plan.stages) {
    const seg = { t0: t, t1: t + stage.duration, r0: r, r1: stage.rate, cum };
    out.push(seg);
    cum += ((seg.r0 + seg.r1) / 2) * stage.duration;
    t = seg.t1;
    r = stage.rate;
  }
  out.push({ t0: t, t1: Infinity, r0: r, r1: r, cum });
  return out;
}

/**
 * The global arrival times of a plan, and one worker's share of them.
 *
 * Arrivals are the times at which the cumulative rate Λ(t) = ∫rate reaches u₀, u₁, u₂...: with
 * u_j = j the arrivals are evenly spaced at the instantaneous rate; with u_j a sum of j
 * exponential(1) draws they form a Poisson process of that (possibly ramping) rate (the time
 * rescaling of a unit Poisson process); with gamma draws of mean 1 and shape B, a renewal
 * process of the same mean rate whose gaps vary by 1/√B (vLLM's `--burstiness`). Worker k of n takes the arrivals j ≡ k (mod n) of the
 * same global sequence (every worker draws it from the same seed), so the shares add up to the
 * plan exactly, with no arrival lost or doubled, however the rate ramps.
 */
export class ArrivalSchedule {
  readonly #segments: Segment[];
  /** The next gap in units of Λ (mean 1); undefined for even spacing. */
  readonly #gap: (() => number) | undefined;
  #seg = 0;
  #u = 0;
  #j = 0;
  readonly #index: number;
  readonly #count: number;

  constructor(plan: ArrivalPlan, index = 0, count = 1) {
    if (!(count >= 1) || !(index >= 0 && index < count)) throw new RangeError(`bad share ${index} of ${count}`);
    this.#segments = segmentsOf(plan);
    this.#gap = gapsOf(plan);
    this.#index = index;
    this.#count = count;
    // The first arrival of a random process comes after one draw; evenly spaced ones start at 0.
    if (this.#gap) this.#u = this.#gap();
  }

  /**
   * The next arrival of this share: its global number and its time in seconds from the start;
   * null when the rate has fallen to 0 for good.
   */
  next(): { seq: number; time: number } | null {
    for (;;) {
      const j = this.#j;
      const time = this.#timeAt(this.#u);
      if (time === null) return null;
      this.#j++;
      this.#u += this.#gap ? this.#gap() : 1;
      if (j % this.#count === this.#index) return { seq: j, time };
    }
  }

  /** The time at which Λ reaches `u`, searching forward from the current segment. */
  #timeAt(u: number): number | null {
    const segs = this.#segments;
    for (;;) {
      const s = segs[this.#seg]!;
      const len = s.t1 - s.t0;
      const area = len === Infinity ? (s.r0 > 0 ? Infinity : 0) : ((s.r0 + s.r1) / 2) * len;
      const need = u - s.cum;
      if (need <= area && area > 0) return s.t0 + solveRamp(s.r0, len === Infinity ? 0 : (s.r1 - s.r0) / len, need);
      if (this.#seg === segs.length - 1) return null;
      this.#seg++;
    }
  }
}

/** The gaps of a plan's random spacing, from its seed (the same on every worker). */
function gapsOf(plan: ArrivalPlan): (() => number) | undefined {
  if (plan.spacing === 'even') return undefined;
  const random = seededRandom(plan.seed);
  // Shape 1 keeps the exponential draw, so `--burstiness 1` repeats `poisson` with the same seed.
  const shape = plan.spacing === 'gamma' ? (plan.burstiness ?? 1) : 1;
  if (shape === 1) return () => -Math.log(1 - random());
  return gammaSampler(shape, random);
}

/** The time x ≥ 0 at which ∫₀ˣ (r0 + a·t) dt = need, for a rate that stays ≥ 0 over the piece. */
function solveRamp(r0: number, a: number, need: number): number {
  if (need <= 0) return 0;
  if (Math.abs(a) < 1e-12) return need / r0;
  // a/2·x² + r0·x − need = 0; the stable root form avoids cancellation when a is small.
  const disc = Math.max(0, r0 * r0 + 2 * a * need);
  return (2 * need) / (r0 + Math.sqrt(disc));
}

/** The total arrivals a plan makes in its first `seconds` (Λ), for checks and reports. */
export function expectedArrivals(plan: ArrivalPlan, seconds: number): number {
  let total = 0;
  for (const s of segmentsOf(plan)) {
    if (seconds <= s.t0) break;
    const end = Math.min(seconds, s.t1);
    const len = end - s.t0;
    const slope = s.t1 === Infinity ? 0 : (s.r1 - s.r0) / (s.t1 - s.t0);
    total += s.r0 * len + (slope * len * len) / 2;
  }
  return total;
}

/**
 * Parses `--arrival-stages`: comma-separated `DURATION:RATE` pairs, each ramping linearly from
 * the previous rate (e.g. `30s:10,1m:50,2m:50`). Throws a one-line message on bad input.
 */
export function parseRateStages(text: string): RateStage[] {
  const out: RateStage[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^:]+):\s*([0-9]*\.?[0-9]+)$/.exec(part);
    if (!m) throw new Error(`invalid arrival stage '${part}': expected DURATION:RATE, e.g. 30s:50`);
    const duration = parseTimespan(m[1]!.trim());
    if (!(duration > 0)) throw new Error(`invalid arrival stage '${part}': the duration must be > 0`);
    out.push({ duration, rate: Number(m[2]) });
  }
  return out;
}
