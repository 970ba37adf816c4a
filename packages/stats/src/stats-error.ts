import { createHash } from 'node:crypto';
import { pyRepr } from './py-format.ts';

/** A group of failures with the same method, name and error text (Locust's StatsError). */
export interface StatsError {
  method: string;
  name: string;
  /** The error as parseError() rendered it, e.g. `HTTPError('404 Client Error')`. */
  error: string;
  occurrences: number;
  /** Unix seconds (float) of the first and the last occurrence. */
  firstSeen: number;
  lastSeen: number;
  /** sha256 hex of `${method}.${name}.${pyRepr(error)}`, Locust's key; failures.csv sorts on it. */
  key: string;
}

const OBJECT_AT = 'object at 0x';

/**
 * Renders an error the way Locust groups failures: a string stays as it is; an Error becomes
 * Python's repr of an exception, `${name}('${message}')`; anything else goes through String().
 * Like Locust, `object at 0x7f...` addresses are masked so they do not split groups.
 */
export function parseError(error: unknown): string {
  let text: string;
  if (typeof error === 'string') text = error;
  else if (error instanceof Error) text = `${error.name}(${pyRepr(error.message)})`;
  else text = String(error);
  const at = text.indexOf(OBJECT_AT);
  if (at < 0) return text;
  const start = at + OBJECT_AT.length - 2;
  const end = text.indexOf('>', start);
  return end < 0 ? text : text.split(text.slice(start, end)).join('0x....');
}

/** Locust's StatsError.create_key. */
export function errorKey(method: string, name: string, parsedError: string): string {
  return createHash('sha256').update(`${method}.${name}.${pyRepr(parsedError)}`, 'utf8').digest('hex');
}

const CATCH_RESPONSE = 'CatchResponseError(';

/**
 * Locust's StatsError.to_name for the error report: `${method} ${name}: ${error}`, with a
 * CatchResponseError unwrapped to its message (as Locust prints it in a standalone run).
 */
export function errorDisplayName(error: Pick<StatsError, 'method' | 'name' | 'error'>): string {
  let text = error.error;
  if (text.startsWith(CATCH_RESPONSE) && text.endsWith(')')) {
    text = unquote(text.slice(CATCH_RESPONSE.length, -1));
  }
  return `${error.method} ${error.name}: ${text}`;
}

/** Reverses pyRepr for a simple quoted literal; anything else is returned unchanged. */
function unquote(literal: string): string {
  const q = literal[0];
  if (literal.length < 2 || (q !== "'" && q !== '"') || literal[literal.length - 1] !== q) return literal;
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === q) return literal; // an unescaped quote: not one literal
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 't') out += '\t';
    else if (next === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next !== undefined) out += next;
  }
  return out;
}
