// A dataset file is read as bytes and cut into its items before any text is decoded: ShareGPT's
// usual file (ShareGPT_V3_unfiltered_cleaned_split.json, about 640 MB) is longer than the
// longest string V8 makes, so neither `readFileSync(path, 'utf8')` nor one `JSON.parse` can hold
// it. Structural characters are ASCII and UTF-8 never uses ASCII bytes inside a multi-byte
// character, so the cuts can be found byte by byte.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** The first byte that is not JSON whitespace, from `from`; the length when there is none. */
export function skipSpace(bytes: Uint8Array, from = 0): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  return i;
}

/**
 * The items of a top-level JSON array, each as its own text (for `JSON.parse`), in order.
 * Throws 'not JSON' at the first byte that cannot be part of the array's structure (unclosed
 * strings, brackets or the array itself); the items' own syntax is left to `JSON.parse`.
 */
export function* jsonArrayItems(bytes: Buffer): Generator<string> {
  let i = skipSpace(bytes);
  if (bytes[i] !== OPEN_BRACKET) throw new SyntaxError('not a JSON array');
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACKET) {
    if (skipSpace(bytes, i + 1) !== bytes.length) throw new SyntaxError('text after the array');
    return;
  }
  for (;;) {
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (inString) {
        if (b === BACKSLASH) i++;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (depth === 0) break;
        depth--;
      } else if (b === COMMA && depth === 0) break;
    }
    if (i >= bytes.length || inString) throw new SyntaxError('the array is not closed');
    yield bytes.toString('utf8', start, i);
    if (bytes[i] === CLOSE_BRACKET) {
      if (skipSpace(bytes, i + 1) !== bytes.length) throw new SyntaxError('text after the array');
      return;
    }
    i = skipSpace(bytes, i + 1);
  }
}

/** The lines of a file (without their `\r\n` or `\n`), each decoded on its own. */
export function* byteLines(bytes: Buffer): Generator<string> {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    yield bytes.toString('utf8', start, stop);
    start = end + 1;
  }
}
