import type { Dispatcher } from 'undici';
import type { RequestHeaders } from './request-headers.ts';
import type { ResponseReader } from './response-reader.ts';
import type { Target } from './url.ts';

/**
 * Redirects are followed here rather than by undici's redirect interceptor so that cookies set
 * by intermediate responses (a login answering 302 + Set-Cookie) reach the jar, as with
 * requests, and so that requests without a redirect pay nothing for the option.
 */

/** requests' default limit. */
export const MAX_REDIRECTS = 30;

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

export interface RedirectStep {
  target: Target;
  dispatch: Dispatcher.DispatchOptions;
  /** The caller's headers, less those that must not follow this redirect. */
  headers: RequestHeaders | undefined;
  contentType: string | undefined;
}

/** The next request of a redirect, or undefined when the response is final. */
export function followRedirect(
  reader: Pick<ResponseReader, 'status' | 'headers'>,
  from: Target,
  dispatch: Dispatcher.DispatchOptions,
  given: RequestHeaders | undefined,
): RedirectStep | undefined {
  if (!isRedirect(reader.status)) return undefined;
  const location = reader.headers.location;
  if (typeof location !== 'string' || location === '') return undefined;
  let url: URL;
  try {
    url = new URL(location, from.origin + from.path);
  } catch {
    return undefined; // An unusable Location: the 3xx itself is the response, as in browsers.
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const target: Target = {
    origin: url.origin,
    path: (url.pathname || '/') + url.search,
    hostname: url.hostname.toLowerCase(),
    secure: url.protocol === 'https:',
  };

  const status = reader.status;
  let method = dispatch.method;
  // Browsers' (and requests') rewrite: 303, and 302 except HEAD, become GET; 301 POST becomes GET.
  if ((status === 303 || status === 302) && method !== 'HEAD') method = 'GET';
  if (status === 301 && method === 'POST') method = 'GET';
  // Only 307/308 resend the body; the others drop it with its content headers.
  const keepBody = status === 307 || status === 308;
  const crossOrigin = target.origin !== from.origin;
  const drop: string[] = [];
  if (!keepBody) drop.push('content-type', 'content-length', 'transfer-encoding');
  if (crossOrigin) drop.push('authorization', 'cookie');

  return {
    target,
    dispatch: {
      ...dispatch,
      origin: target.origin,
      path: target.path,
      method,
      body: keepBody ? dispatch.body : undefined,
    },
    headers: drop.length === 0 ? given : without(given, drop),
    contentType: keepBody ? contentTypeOf(dispatch.headers) : undefined,
  };
}

function without(headers: RequestHeaders | undefined, names: string[]): RequestHeaders | undefined {
  if (!headers) return headers;
  const out: RequestHeaders = {};
  for (const key of Object.keys(headers)) if (!names.includes(key.toLowerCase())) out[key] = headers[key];
  return out;
}

/** The content-type the session added on the previous hop (for a JSON body kept by 307/308). */
function contentTypeOf(headers: Dispatcher.DispatchOptions['headers']): string | undefined {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  const value = (headers as Record<string, unknown>)['content-type'];
  return typeof value === 'string' ? value : undefined;
}
