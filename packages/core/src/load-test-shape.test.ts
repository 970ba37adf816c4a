import { describe, expect, it } from 'vitest';
import type { LoadTestShape } from './load-test-shape.ts';
import { SpikeShape, StagesShape, StepLoadShape } from './load-test-shape.ts';

/** The ticks a shape gives at the given run times. */
function ticksAt(shape: LoadTestShape, times: number[]) {
  return times.map((t) => {
    shape.getRunTime = () => t;
    const tick = shape.tick();
    return tick && [tick.userCount, tick.spawnRate];
  });
}

describe('built-in load shapes', () => {
  it('StagesShape runs each stage for its duration, then stops', () => {
    class Ramp extends StagesShape {
      static override stages = [
        { duration: 10, users: 5, spawnRate: 1 },
        { duration: 20, users: 20, spawnRate: 5 },
      ];
    }
    expect(ticksAt(new Ramp(), [0, 9.9, 10, 29.9, 30])).toEqual([[5, 1], [5, 1], [20, 5], [20, 5], null]);
  });

  it('StepLoadShape adds a step every stepTime up to the maximum, holds it once, then stops', () => {
    class Steps extends StepLoadShape {
      static override stepUsers = 10;
      static override stepTime = 5;
      static override maxUsers = 25;
      static override spawnRate = 10;
    }
    expect(ticksAt(new Steps(), [0, 5, 10, 14.9, 15, 20])).toEqual([[10, 10], [20, 10], [25, 10], [25, 10], [25, 10], null]);
  });

  it('SpikeShape jumps to the spike for its duration', () => {
    class Spike extends SpikeShape {
      static override baseUsers = 2;
      static override spikeUsers = 8;
      static override spikeAt = 10;
      static override spikeDuration = 5;
      static override duration = 20;
    }
    expect(ticksAt(new Spike(), [0, 10, 14.9, 15, 20]).map((t) => t && t[0])).toEqual([2, 8, 8, 2, null]);
  });
});
