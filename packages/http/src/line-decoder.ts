/**
 * Splits a byte stream into text lines as the bytes arrive. Bytes are decoded as UTF-8 with
 * the decoder in streaming mode, so a character split between two chunks comes out whole;
 * a leading byte order mark is dropped. Lines end at `\n`, `\r\n` or a lone `\r` (the line
 * endings of the event-stream format, which are also what line-based protocols send), and a
 * `\r\n` split between two chunks still counts as one ending.
 */
export class LineDecoder {
  readonly #utf8 = new TextDecoder('utf-8');
  /** The text of the line not yet ended. */
  #partial = '';
  /** The last text ended with `\r`: a `\n` starting the next one belongs to that ending. */
  #afterCR = false;

  /** The lines that `bytes` completes, without their line endings. */
  push(bytes: Uint8Array): string[] {
    return this.#split(this.#utf8.decode(bytes, { stream: true }));
  }

  /**
   * Ends the stream: the lines still held, including a last one without a line ending (an
   * incomplete UTF-8 sequence at the very end decodes as U+FFFD). The decoder can be reused.
   */
  end(): string[] {
    const lines = this.#split(this.#utf8.decode());
    if (this.#partial !== '') lines.push(this.#partial);
    this.#partial = '';
    this.#afterCR = false;
    return lines;
  }

  #split(text: string): string[] {
    const lines: string[] = [];
    const length = text.length;
    if (length === 0) return lines;
    let start = 0;
    if (this.#afterCR) {
      this.#afterCR = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    for (let i = start; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      lines.push(this.#partial === '' ? text.slice(start, i) : this.#partial + text.slice(start, i));
      this.#partial = '';
      if (c === 13) {
        if (i + 1 === length) this.#afterCR = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    if (start < length) this.#partial += text.slice(start);
    return lines;
  }
}
