/**
 * Locust's proper_round: rounds halves up (2.5 -> 3) where Python's round() would round them to
 * even, by nudging the value by 10^-(digits of its repr + 1) first.
 */
export function properRound(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return value;
  // Python's str() of a float: integral values print with '.0'.
  const repr = Number.isInteger(value) ? `${value}.0` : String(value);
  const nudged = value + 10 ** (-repr.length - 1);
  const factor = 10 ** digits;
  return Math.round(nudged * factor) / factor;
}
