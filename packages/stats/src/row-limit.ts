// With thousands of distinct request names (URLs not grouped with `name=`) a table of every entry
// is megabytes of console output every 2 s, or an HTML page that takes half a minute to render.
// Tables people read show the busiest rows and say how many more there are; the CSV files keep
// every entry.

/** Entry rows in a console table (periodic and final), and error rows in the error report. */
export const CONSOLE_MAX_ROWS = 100;

/**
 * `rows` whole when there are at most `max`; otherwise the `max` rows of highest `weight`
 * (heaviest first, ties in their given order) and how many were left out.
 */
export function busiestRows<T>(rows: readonly T[], max: number, weight: (row: T) => number): { rows: T[]; omitted: number } {
  if (rows.length <= max) return { rows: [...rows], omitted: 0 };
  const ranked = rows.map((row, i) => ({ row, i, w: weight(row) }));
  ranked.sort((a, b) => b.w - a.w || a.i - b.i);
  return { rows: ranked.slice(0, max).map((r) => r.row), omitted: rows.length - max };
}

/** The line standing for the rows a table leaves out. */
export function omittedLine(omitted: number, what: 'entries' | 'errors', shown = CONSOLE_MAX_ROWS): string {
  return what === 'entries'
    ? `... and ${omitted} more entries (only the ${shown} with the most requests are listed; every entry is in the --csv files)`
    : `... and ${omitted} more errors (only the ${shown} most frequent are listed; every error is in the --csv files)`;
}
