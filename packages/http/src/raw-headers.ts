import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// undici's own parser, the one its handler API calls for every response: the same object
// (lower-case keys, latin1 values, repeated headers as arrays) whenever it is built.
const { parseHeaders } = require('undici/lib/core/util.js') as {
  parseHeaders(raw: Buffer[], into?: IncomingHttpHeaders): IncomingHttpHeaders;
};

/**
 * Response headers as undici read them: names and values alternating, as Buffers. Most
 * requests of a load test never look at their headers, so they are turned into an object
 * only when read: building it was a share of the per-request CPU at loopback speeds.
 */
export type RawHeaders = Buffer[];

const NO_HEADERS: RawHeaders = [];

/** The headers object of `raw` (a new one per call: callers keep it). */
export function parseRawHeaders(raw: RawHeaders | undefined): IncomingHttpHeaders {
  return parseHeaders(raw ?? NO_HEADERS);
}

const SET_COOKIE = 'set-cookie';

/** True when `raw` has a Set-Cookie header, without building the object. */
export function hasSetCookie(raw: RawHeaders | undefined): boolean {
  if (raw === undefined) return false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // Length, first letter and hyphen first (Connection has the same length): most names are
    // ruled out without decoding them.
    if (name.length === SET_COOKIE.length && (name[0] | 0x20) === 0x73 /* s */ && name[3] === 0x2d /* - */ && name.toString('latin1').toLowerCase() === SET_COOKIE) {
      return true;
    }
  }
  return false;
}
