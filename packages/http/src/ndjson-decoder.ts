import { LineDecoder } from './line-decoder.ts';

/** One line of an NDJSON body: the value it holds, or why it holds none. */
export type NdjsonItem =
  | { ok: true; value: unknown }
  /** The line is not JSON: the stream goes on, the caller decides what a bad line means. */
  | { ok: false; line: string; error: string };

/**
 * Splits a byte stream of newline-delimited JSON (one value a line, as Ollama's native API
 * streams) into values as the bytes arrive. Lines are split by LineDecoder, so a line cut
 * between network chunks, `\r\n` endings and a last line without an ending all come out
 * whole; empty (or blank) lines are skipped. A line that is not JSON is returned as a
 * failure rather than thrown, so one bad line does not lose the values around it.
 */
export class NdjsonDecoder {
  readonly #lines = new LineDecoder();

  /** The values of the lines that `bytes` completes. */
  push(bytes: Uint8Array): NdjsonItem[] {
    return parseLines(this.#lines.push(bytes));
  }

  /** Ends the stream: the value of a last line without a line ending, if any. */
  end(): NdjsonItem[] {
    return parseLines(this.#lines.end());
  }
}

function parseLines(lines: string[]): NdjsonItem[] {
  const items: NdjsonItem[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      items.push({ ok: true, value: JSON.parse(line) as unknown });
    } catch (err) {
      items.push({ ok: false, line, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return items;
}
