// Each distinct request name is a stats entry: a row in every table, counters and a histogram
// in memory, a share of every report. Thousands of them nearly always mean URLs with ids in them
// that were not grouped with `name=` (Locust's `name` argument), which costs memory, throughput
// and readable output, so the run says so and says how to group them.

/** Distinct request names past which a run is warned. */
export const MANY_NAMES_THRESHOLD = 1000;

/** The warning for `count` (> MANY_NAMES_THRESHOLD) distinct request names. */
export function manyNamesWarning(count: number): string {
  return (
    `More than ${MANY_NAMES_THRESHOLD} distinct request names (${count}): group URLs with name=... ` +
    "(e.g. this.client.get(`/item/${id}`, { name: '/item/[id]' })); every name costs memory, throughput and a row in every table"
  );
}
