import { createHash, timingSafeEqual } from 'node:crypto';

/** The `WWW-Authenticate` challenge sent with a 401. */
export const BASIC_CHALLENGE = 'Basic realm="Locusta", charset="UTF-8"';

/**
 * Checks `Authorization: Basic ...` headers against `user:password` credentials. Both sides are
 * hashed to 32 bytes before timingSafeEqual, so the comparison takes the same time whatever the
 * given credentials are, and their length does not leak either.
 */
export class BasicAuth {
  readonly #expected: Buffer;

  /** `credentials` is `user:password`; the password may contain colons, the user may not. */
  constructor(credentials: string) {
    const colon = credentials.indexOf(':');
    if (colon <= 0) throw new Error("Invalid web auth credentials: expected 'user:password'");
    this.#expected = digest(credentials);
  }

  /** True when the header carries the configured user and password. */
  check(header: string | undefined): boolean {
    const given = decodeBasic(header);
    // Always compare, also for a missing header, so every refusal costs the same.
    return timingSafeEqual(digest(given ?? ''), this.#expected) && given !== undefined;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The `user:password` text of a Basic authorization header, or undefined. */
export function decodeBasic(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  return text.includes(':') ? text : undefined;
}
