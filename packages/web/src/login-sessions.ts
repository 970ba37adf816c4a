import { randomBytes } from 'node:crypto';
import type { BasicAuth } from './basic-auth.ts';

/** The cookie of a logged-in browser. */
export const SESSION_COOKIE = 'locusta_session';
/** A session lasts 12 hours from its login. */
const SESSION_MS = 12 * 3600 * 1000;
/** Sessions kept at most; the oldest goes first (a login flood cannot grow memory). */
const MAX_SESSIONS = 1000;

/**
 * `--web-login`: the credentials of `--web-auth`, asked by a login page instead of the browser's
 * basic-auth prompt. A login gives a random session token (in memory: a restart logs everyone
 * out) carried in an HttpOnly, SameSite=Strict cookie.
 */
export class LoginSessions {
  readonly #auth: BasicAuth;
  readonly #sessions = new Map<string, number>();

  constructor(auth: BasicAuth) {
    this.#auth = auth;
  }

  /** A new session's token when the user and password are right, else undefined. */
  login(user: string, password: string): string | undefined {
    const header = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    if (user.includes(':') || !this.#auth.check(header)) return undefined;
    const token = randomBytes(32).toString('base64url');
    this.#sessions.set(token, Date.now() + SESSION_MS);
    if (this.#sessions.size > MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    return token;
  }

  /** Whether the request's cookies carry a live session. */
  check(cookieHeader: string | undefined): boolean {
    const token = sessionToken(cookieHeader);
    if (token === undefined) return false;
    const until = this.#sessions.get(token);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.#sessions.delete(token);
      return false;
    }
    return true;
  }

  logout(cookieHeader: string | undefined): void {
    const token = sessionToken(cookieHeader);
    if (token !== undefined) this.#sessions.delete(token);
  }
}

/** The session token of a Cookie header, if any. */
function sessionToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
