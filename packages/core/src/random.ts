/**
 * A seedable generator of numbers in [0, 1) (mulberry32): fast, 32 bits of state, good enough
 * for spacing arrivals and picking wait times, and the same sequence for the same seed on every
 * machine, so a run's schedule can be repeated.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
