import type { JsHistogram } from 'hdr-histogram-js';
// Importing the codec also installs JsHistogram.prototype.encodeIntoCompressedBase64.
import { encodeHistogram } from './histogram-codec.ts';
import type { RequestStats } from './request-stats.ts';
import { StatsWindow } from './stats-window.ts';
import type { WindowEntry } from './window-entry.ts';

// The HdrHistogram interval log (format 1.3), as HdrHistogram's HistogramLogProcessor and
// HistogramLogAnalyzer read it: comment headers, a legend, then one line per interval and tag,
// `[Tag=<tag>,]<start>,<length>,<max>,<compressed histogram>`. hdr-histogram-js ships a
// HistogramLogWriter, but it loads the library's WebAssembly module (see histogram.ts for why
// this package avoids that), so the few lines of the format are written here.
//
// Values are integer MICROSECONDS, as recorded. HistogramLogProcessor prints them in ms with
// `-outputValueUnitRatio 1000`. Interval_Max is divided by maxValueUnitRatio (default 1000: ms),
// the convention of HdrHistogram's writers (whose default turns ns into ms).

/** Where log text goes: a function, or anything with write(string) such as an fs.WriteStream. */
export type HdrLogSink = ((text: string) => void) | { write(text: string): unknown };

export interface HdrLogOptions {
  /**
   * Unix seconds written as StartTime and BaseTime; interval timestamps are relative to it.
   * @default the stats' clock at construction
   */
  startTime?: number;
  /** Interval_Max is the interval's max µs divided by this. @default 1000 (ms) */
  maxValueUnitRatio?: number;
  /** Also write a tagged line per entry with samples in the interval. @default true */
  perEntry?: boolean;
}

/** `METHOD_name` with everything but [A-Za-z0-9_./-] replaced by `_` (a tag cannot hold commas or spaces). */
export function hdrLogTag(method: string, name: string): string {
  return (method ? `${method}_${name}` : name).replace(/[^A-Za-z0-9_./-]/g, '_') || '_';
}

/** Formats seconds as the log does (Java's `%.3f`). */
const seconds = (s: number): string => s.toFixed(3);

/**
 * Writes an HdrHistogram interval log of a RequestStats. The header goes out on construction;
 * each writeInterval() adds the histograms of the requests since the previous call (window
 * differences of the cumulative stats, exact to the histogram's 3 digits): an untagged line
 * for Aggregated, always, and a `Tag=METHOD_name` line for each entry with samples.
 */
export class HdrLogWriter {
  readonly #write: (text: string) => void;
  readonly #window: StatsWindow;
  readonly #startTime: number;
  readonly #ratio: number;
  readonly #perEntry: boolean;
  readonly #tags = new Map<string, string>();
  readonly #usedTags = new Set<string>();

  constructor(sink: HdrLogSink, stats: RequestStats, options: HdrLogOptions = {}) {
    this.#write = typeof sink === 'function' ? sink : (text) => void sink.write(text);
    this.#startTime = options.startTime ?? stats.now();
    this.#ratio = options.maxValueUnitRatio ?? 1000;
    this.#perEntry = options.perEntry ?? true;
    this.#window = new StatsWindow(stats);
    const start = seconds(this.#startTime);
    this.#write(
      '#[Histogram log format version 1.3]\n' +
        `#[StartTime: ${start} (seconds since epoch), ${new Date(this.#startTime * 1000).toISOString()}]\n` +
        `#[BaseTime: ${start} (seconds since epoch)]\n` +
        '#[Response times in microseconds; HistogramLogProcessor -outputValueUnitRatio 1000 reports ms]\n' +
        '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n',
    );
  }

  /** Writes the interval since the previous call (or construction) and starts the next one. */
  writeInterval(): void {
    const window = this.#window.next();
    const prefix = `${seconds(window.start - this.#startTime)},${seconds(window.duration)},`;
    let text = this.#line(prefix, window.total, null);
    if (this.#perEntry) {
      for (const e of window.entries()) {
        if (e.histogram().totalCount > 0) text += this.#line(prefix, e, this.#tagOf(e));
      }
    }
    this.#write(text);
  }

  #line(prefix: string, e: WindowEntry, tag: string | null): string {
    const h = e.histogram() as JsHistogram;
    const encoded = encodeHistogram(h) ?? (h as JsHistogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
    const max = seconds((e.maxResponseTime * 1000) / this.#ratio);
    return `${tag === null ? '' : `Tag=${tag},`}${prefix}${max},${encoded}\n`;
  }

  /** A stable tag per entry; two entries that sanitise alike get `_2`, `_3`... */
  #tagOf(e: WindowEntry): string {
    const key = `${e.method}\u0000${e.name}`;
    let tag = this.#tags.get(key);
    if (tag === undefined) {
      const base = hdrLogTag(e.method, e.name);
      tag = base;
      for (let n = 2; this.#usedTags.has(tag); n++) tag = `${base}_${n}`;
      this.#tags.set(key, tag);
      this.#usedTags.add(tag);
    }
    return tag;
  }
}
