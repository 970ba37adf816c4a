import { createRequire } from 'node:module';

// undici's Set-Cookie parser (the one behind its getSetCookies and parseCookie), loaded alone:
// importing it from the undici index loaded all of undici (fetch, WebSocket, caches, mock
// agents), about 9 MB of RSS in every process, for a parser. `parseCookie` only adds a string
// conversion in front of it, and these values are strings already.
const { parseSetCookie } = createRequire(import.meta.url)('undici/lib/web/cookies/parse.js') as {
  parseSetCookie(header: string): ParsedCookie | null;
};

/** What parseSetCookie returns (undici's Cookie type, without the attributes not used here). */
interface ParsedCookie {
  name: string;
  value: string;
  expires?: Date;
  maxAge?: number;
  domain?: string;
  path?: string;
  secure?: boolean;
}

interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host, without a leading dot. */
  domain: string;
  /** True when the cookie had no Domain attribute: it goes back to that exact host only. */
  hostOnly: boolean;
  path: string;
  /** Epoch milliseconds, or Infinity for a session cookie. */
  expires: number;
  secure: boolean;
}

/**
 * A small per-user cookie jar, so each simulated user keeps its own session as with Locust's
 * per-user requests.Session. It follows RFC 6265 roughly: domain and path matching, Max-Age and
 * Expires, Secure. Public-suffix checks and SameSite are not needed against a system under test.
 */
export class CookieJar {
  #cookies: StoredCookie[] = [];

  get size(): number {
    return this.#cookies.length;
  }

  /** Stores the `set-cookie` header values of a response to `host` + `path`. */
  store(setCookie: string | string[], host: string, path: string, now = Date.now()): void {
    const values = typeof setCookie === 'string' ? [setCookie] : setCookie;
    for (const raw of values) {
      // Per value, to skip building Headers for getSetCookies.
      const parsed = parseSetCookie(raw);
      if (!parsed) continue;
      const hostOnly = !parsed.domain;
      const domain = parsed.domain ?? host;
      if (!hostOnly && !domainMatches(host, domain)) continue;
      let expires = Infinity;
      if (parsed.maxAge !== undefined) expires = now + parsed.maxAge * 1000;
      else if (parsed.expires !== undefined) expires = new Date(parsed.expires).getTime();
      const cookie: StoredCookie = {
        name: parsed.name,
        value: parsed.value,
        domain,
        hostOnly,
        path: parsed.path?.startsWith('/') ? parsed.path : defaultPath(path),
        expires,
        secure: parsed.secure === true,
      };
      this.#put(cookie, now);
    }
  }

  /** The `cookie` header for a request, or undefined when no stored cookie applies. */
  header(host: string, path: string, secure: boolean, now = Date.now()): string | undefined {
    const query = path.indexOf('?');
    if (query !== -1) path = path.slice(0, query);
    let out: string | undefined;
    for (const c of this.#cookies) {
      if (c.expires <= now) continue;
      if (c.secure && !secure) continue;
      if (c.hostOnly ? c.domain !== host : !domainMatches(host, c.domain)) continue;
      if (!pathMatches(path, c.path)) continue;
      const pair = `${c.name}=${c.value}`;
      out = out === undefined ? pair : `${out}; ${pair}`;
    }
    return out;
  }

  /** The live cookies as name -> value (the last one wins for duplicate names). */
  toJSON(now = Date.now()): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.#cookies) if (c.expires > now) out[c.name] = c.value;
    return out;
  }

  clear(): void {
    this.#cookies = [];
  }

  #put(cookie: StoredCookie, now: number): void {
    // A cookie replaces the one with the same name, domain and path; an expired one deletes it.
    const kept = this.#cookies.filter(
      (c) =>
        c.expires > now &&
        !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path),
    );
    if (cookie.expires > now) kept.push(cookie);
    this.#cookies = kept;
  }
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 46);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charCodeAt(cookiePath.length) === 47;
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(path: string): string {
  const end = path.indexOf('?');
  const p = end === -1 ? path : path.slice(0, end);
  const slash = p.lastIndexOf('/');
  return slash <= 0 ? '/' : p.slice(0, slash);
}
