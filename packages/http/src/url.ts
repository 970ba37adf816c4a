import { LocustaError } from '@locusta/core';

/** A query option: values are stringified, arrays repeat the key, null/undefined are skipped. */
export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>;
export type Query = Record<string, QueryValue>;

/** Where a request goes, split the way undici's dispatch wants it. */
export interface Target {
  origin: string;
  /** Path and query, as sent on the request line. */
  path: string;
  /** Lower-case host name without port, for cookie matching. */
  hostname: string;
  secure: boolean;
}

const SCHEME = /^[a-z][a-z\d+.-]*:/i;
const HTTP_URL = /^https?:\/\//i;

/** Why `host` cannot be a base URL, or undefined when it can. */
export function hostProblem(host: string | undefined): string | undefined {
  if (!host) {
    return 'You must specify the base host. Either in the host attribute in the User class, or on the command line using the --host option.';
  }
  if (!HTTP_URL.test(host) || !URL.canParse(host)) {
    return `Invalid host '${host}': expected a URL such as http://127.0.0.1:8000`;
  }
  return undefined;
}

/** The parsed base URL of a session, computed once so relative paths need no URL parsing. */
export interface Base {
  readonly target: Readonly<Target>;
  /** The base path without its trailing slash ('' for a bare origin). */
  readonly prefix: string;
  /** `Basic ...` when the base URL carries `user:pass@` (as Locust turns it into auth). */
  readonly authorization: string | undefined;
}

/** Parsed bases by host, shared by the sessions of every user of the same host. */
const bases = new Map<string, Base>();
/** Enough for any realistic set of hosts; a test spraying hosts just re-parses them. */
const MAX_CACHED_BASES = 1_000;

/**
 * The parsed base of `host`, one frozen object for all sessions on it: every user parsed its
 * own, about 0.15 KB per user that thousands of idle users kept for nothing.
 */
export function sharedBase(host: string): Base {
  let base = bases.get(host);
  if (base === undefined) {
    const parsed = parseBase(host);
    base = Object.freeze({ ...parsed, target: Object.freeze(parsed.target) });
    if (bases.size >= MAX_CACHED_BASES) bases.clear();
    bases.set(host, base);
  }
  return base;
}

function parseBase(host: string): Base {
  const problem = hostProblem(host);
  if (problem) throw new LocustaError('LOCUSTA_ERR_HOST', problem);
  const url = new URL(host);
  const prefix = url.pathname.replace(/\/+$/, '');
  let authorization: string | undefined;
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return { target: targetOf(url), prefix, authorization };
}

/**
 * The target of `url`: absolute http(s) URLs are used as they are, anything else is a path
 * appended to the base URL (Locust concatenates the same way). Other schemes throw.
 */
export function resolveTarget(base: Base, url: string, query: Query | undefined): Target {
  let target: Target;
  const b = base.target;
  if (url.charCodeAt(0) === 47 /* / */) {
    // Built field by field: a spread copy cost more on the path of every request.
    target = { origin: b.origin, path: base.prefix + url, hostname: b.hostname, secure: b.secure };
  } else if (HTTP_URL.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (err) {
      throw new LocustaError('LOCUSTA_ERR_USAGE', `Invalid URL '${url}'`, { cause: err });
    }
    target = targetOf(parsed);
  } else if (SCHEME.test(url)) {
    throw new LocustaError('LOCUSTA_ERR_USAGE', `Invalid URL '${url}': only http:// and https:// URLs are supported`);
  } else {
    target = { origin: b.origin, path: `${base.prefix}/${url}`, hostname: b.hostname, secure: b.secure };
  }
  if (query) target.path = withQuery(target.path, query);
  return target;
}

function targetOf(url: URL): Target {
  return {
    origin: url.origin,
    path: (url.pathname || '/') + url.search,
    hostname: url.hostname.toLowerCase(),
    secure: url.protocol === 'https:',
  };
}

/** Appends `query` to `path`, encoded as application/x-www-form-urlencoded (as requests' params). */
function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const encoded = params.toString();
  if (!encoded) return path;
  return path + (path.includes('?') ? '&' : '?') + encoded;
}
