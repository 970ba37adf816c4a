/**
 * Draws from a gamma distribution of shape `shape` and mean 1 (scale 1/shape) with a uniform
 * generator in [0, 1): the gaps of a bursty arrival process. Shape 1 is the exponential (Poisson
 * arrivals); below 1 the gaps cluster into bursts, above 1 they grow more regular. The gaps'
 * coefficient of variation is 1/√shape.
 *
 * Marsaglia and Tsang's method (2000) for shape ≥ 1; for shape < 1 a draw of shape + 1 times
 * U^(1/shape). The normal draws come from the same generator (Box–Muller), so one seed fixes the
 * whole sequence on every machine.
 */
export function gammaSampler(shape: number, random: () => number): () => number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a number > 0, got ${shape}`);
  const boost = shape < 1;
  const d = (boost ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // 1 − random() is in (0, 1], so the logarithms below are finite.
  const open = () => 1 - random();
  const normal = () => Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * random());
  const unitScale = (): number => {
    for (;;) {
      const x = normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = open();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return () => {
    const g = boost ? unitScale() * Math.pow(open(), 1 / shape) : unitScale();
    return g / shape;
  };
}
