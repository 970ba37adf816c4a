import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import { forEachRecorded } from './histogram.ts';
import { padLeft, padRight, pyFixed } from './py-format.ts';

/** What formatHistogram reads: a StatsEntry or a WindowEntry. */
export interface HistogramSource {
  readonly name: string;
  readonly method: string;
  readonly minResponseTime: number | null;
  readonly maxResponseTime: number;
  histogram(): Histogram;
}

export interface HistogramOptions {
  /** Characters of the longest bar. @default 40 */
  width?: number;
  /** Number of log-spaced rows between min and max. @default 20 */
  buckets?: number;
}

// Eighths of a block, so short bars still show their differences.
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
// The smallest edge of a log scale: 1 µs, the histograms' resolution.
const FLOOR_MS = 0.001;

/** About three significant digits, as the histograms keep. */
function edge(ms: number): string {
  return pyFixed(ms, ms >= 100 ? 0 : ms >= 10 ? 1 : ms >= 1 ? 2 : 3);
}

function bar(count: number, largest: number, width: number): string {
  const eighths = largest > 0 ? Math.round((count / largest) * width * 8) : 0;
  return '█'.repeat(Math.floor(eighths / 8)) + (PARTIAL[eighths % 8] ?? '');
}

/**
 * A terminal histogram of an entry's response times: log-spaced rows from min to max, each
 * `  12.5 –   18.0 ms | ████▌ 1234 (12.3%)` with the cumulative percentage. Rows count the
 * histogram's buckets by their middle value, so counts are exact to its 3-digit precision.
 * Whole lines ending with a blank line, as Locust's tables.
 */
export function formatHistogram(entry: HistogramSource, options: HistogramOptions = {}): string {
  const width = Math.max(options.width ?? 40, 1);
  const rows = Math.max(Math.floor(options.buckets ?? 20), 1);
  const h = entry.histogram() as JsHistogram;
  const label = entry.method ? `${entry.method} ${entry.name}` : entry.name;
  const total = h.totalCount;
  if (total === 0 || entry.minResponseTime === null) {
    return `Response time histogram: ${label}\n  (no response times recorded)\n\n`;
  }
  const min = Math.max(entry.minResponseTime, FLOOR_MS);
  const max = Math.max(entry.maxResponseTime, min);
  const n = max > min ? rows : 1;
  const ratio = max / min;
  const edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? max : min * ratio ** (i / n)));
  const counts = new Array<number>(n).fill(0);
  const scale = Math.log(ratio);
  forEachRecorded(h, (us, count) => {
    const ms = us / 1000;
    // A bucket's middle may lie a little outside the exact [min, max]: it goes to the end row.
    const at = scale > 0 && ms > min ? Math.floor((Math.log(ms / min) / scale) * n) : 0;
    counts[Math.min(Math.max(at, 0), n - 1)] += count;
  });
  const largest = Math.max(...counts);
  const lows = edges.slice(0, n).map(edge);
  const highs = edges.slice(1).map(edge);
  const edgeWidth = Math.max(...lows.map((s) => s.length), ...highs.map((s) => s.length));
  const countWidth = String(largest).length;
  const lines = [`Response time histogram: ${label} (${total} ${total === 1 ? 'sample' : 'samples'}, min ${edge(entry.minResponseTime)} ms, max ${edge(entry.maxResponseTime)} ms)`];
  let running = 0;
  counts.forEach((count, i) => {
    running += count;
    const pct = pyFixed((running / total) * 100, 1);
    lines.push(
      `  ${padLeft(lows[i] ?? '', edgeWidth)} – ${padLeft(highs[i] ?? '', edgeWidth)} ms | ` +
        `${padRight(bar(count, largest, width), width)} ${padLeft(String(count), countWidth)} (${padLeft(pct, 5)}%)`,
    );
  });
  return lines.join('\n') + '\n\n';
}
