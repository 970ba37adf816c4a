import type { ParsedChunk } from './openai-chunks.ts';

// The cheap reading of a streamed chat chunk: most chunks of a stream are
// `{"id":...,"choices":[{"index":0,"delta":{"content":"tok"},...}]}`, and timing and counting
// them needs only the delta's text fields. JSON.parse builds the whole envelope (id, model,
// created, logprobs...) for each token; this reads the delta object in place and gives up
// (undefined: the caller parses the chunk) whenever the chunk is anything else: a usage or
// error chunk, tool calls, several choices, or a delta it cannot read with certainty.
//
// Why a key can be found by searching for `"name":`: inside a JSON string every `"` is escaped,
// so a letter followed by an unescaped `"` never occurs in a string; `"delta":` in the text is
// therefore the end of a key named `delta`, never text a model generated.

const DELTA = '"delta":';

/** The chat chunk's delta fields, or undefined when the chunk must be parsed in full. */
export function scanChatChunk(data: string): ParsedChunk | undefined {
  if (data.charCodeAt(0) !== 0x7b /* { */ || data.charCodeAt(data.length - 1) !== 0x7d /* } */) return undefined;
  const at = data.indexOf(DELTA);
  // No delta (a usage-only or error chunk), or several (several choices): parse in full.
  if (at < 0 || data.indexOf(DELTA, at + DELTA.length) >= 0) return undefined;
  // The delta of the first choice: after `"choices":`, and in the choice of index 0 when it says.
  if (data.lastIndexOf('"choices":', at) < 0) return undefined;
  const index = data.lastIndexOf('"index":', at);
  if (index >= 0) {
    const digit = skipSpaces(data, index + 8);
    if (data.charCodeAt(digit) !== 0x30 /* 0 */ || isDigit(data.charCodeAt(digit + 1))) return undefined;
  }
  if (data.includes('"error"')) return undefined;
  const usage = data.indexOf('"usage":');
  // `"usage":null` on every chunk (some servers) is no usage; anything else is parsed in full.
  if (usage >= 0 && !data.startsWith('null', usage + 8)) return undefined;
  return readDelta(data, at + DELTA.length);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Reads the delta object starting at `from` (spaces, then `{`): its string and null members only. */
function readDelta(data: string, from: number): ParsedChunk | undefined {
  let i = skipSpaces(data, from);
  if (data.charCodeAt(i) !== 0x7b) return undefined;
  i = skipSpaces(data, i + 1);
  let content = '';
  let reasoningContent = '';
  let reasoning = '';
  if (data.charCodeAt(i) === 0x7d /* } */) return chunk(content, reasoningContent || reasoning);
  for (;;) {
    const key = readString(data, i);
    if (key === undefined) return undefined;
    i = skipSpaces(data, key.end);
    if (data.charCodeAt(i) !== 0x3a /* : */) return undefined;
    i = skipSpaces(data, i + 1);
    let value: string | null;
    const c = data.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const s = readString(data, i);
      if (s === undefined) return undefined;
      value = s.value;
      i = s.end;
    } else if (data.startsWith('null', i)) {
      value = null;
      i += 4;
    } else {
      // An object, array, number or boolean (tool calls, or a field this reader does not know).
      return undefined;
    }
    if (key.value === 'content') content = value ?? '';
    else if (key.value === 'reasoning_content') reasoningContent = value ?? '';
    else if (key.value === 'reasoning') reasoning = value ?? '';
    i = skipSpaces(data, i);
    const next = data.charCodeAt(i);
    if (next === 0x7d) break;
    if (next !== 0x2c /* , */) return undefined;
    i = skipSpaces(data, i + 1);
  }
  // A server sends one of the two reasoning names; `reasoning_content` first, as parseChunk does.
  return chunk(content, reasoningContent || reasoning);
}

function chunk(content: string, reasoning: string): ParsedChunk {
  return { content, reasoning, toolCalls: false, usage: undefined, error: undefined };
}

function skipSpaces(data: string, i: number): number {
  while (i < data.length && isSpace(data.charCodeAt(i))) i++;
  return i;
}

/**
 * The JSON string starting at `i` (its opening quote) and the index after its closing quote.
 * Plain text is sliced; text with escapes is decoded by JSON.parse of that string alone.
 */
function readString(data: string, i: number): { value: string; end: number } | undefined {
  if (data.charCodeAt(i) !== 0x22) return undefined;
  let escaped = false;
  for (let j = i + 1; j < data.length; j++) {
    const c = data.charCodeAt(j);
    if (c === 0x5c /* \ */) {
      escaped = true;
      j++;
      continue;
    }
    if (c === 0x22) {
      if (!escaped) return { value: data.slice(i + 1, j), end: j + 1 };
      try {
        return { value: JSON.parse(data.slice(i, j + 1)) as string, end: j + 1 };
      } catch {
        return undefined;
      }
    }
    // A raw control character is not JSON: the full parse will say so.
    if (c < 0x20) return undefined;
  }
  return undefined;
}
