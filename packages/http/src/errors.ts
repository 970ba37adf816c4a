import { STATUS_CODES } from 'node:http';

/**
 * The exceptions HTTP requests are recorded with. Their `name` is what the failure statistics
 * group on, so each condition has its own class with a fixed name (Python's requests and Locust
 * report `HTTPError`, `CatchResponseError`, `ConnectionRefusedError`... the same way).
 */

/**
 * A response with status >= 400 that no `catchResponse` callback judged (requests' HTTPError).
 * The message names the response's full URL, as Locust's does, or the request's `name` when one
 * was given: the failures table groups on the message, and Locust names the name so that one
 * name's failures stay one row whatever URLs it covers. The method is the failure row's own
 * column, so the message leaves it out, as Locust's does.
 */
export class HTTPError extends Error {
  override name = 'HTTPError';
  readonly status: number;
  /** The full URL of the response, after redirects. */
  readonly url: string;
  /** The request method, when known. */
  readonly method: string | undefined;
  constructor(status: number, reason: string | undefined, url: string, options?: { method?: string; name?: string }) {
    const kind = status < 500 ? 'Client' : 'Server';
    super(`${status} ${kind} Error: ${reason || STATUS_CODES[status] || 'Unknown'} for url: ${options?.name ?? url}`);
    this.status = status;
    this.url = url;
    this.method = options?.method;
  }
}

/** A failure marked with a message by `response.failure('...')` (Locust's CatchResponseError). */
export class CatchResponseError extends Error {
  override name = 'CatchResponseError';
}

/**
 * A request that got no complete response: the connection failed, broke or timed out. The
 * subclasses name the condition; `code` is the underlying Node/undici code and `cause` its error.
 */
export class RequestError extends Error {
  override name = 'ConnectionError';
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { cause: options?.cause });
    this.code = options?.code;
  }
}

export class ConnectionRefusedError extends RequestError {
  override name = 'ConnectionRefusedError';
}

export class ConnectionResetError extends RequestError {
  override name = 'ConnectionResetError';
}

export class NameResolutionError extends RequestError {
  override name = 'NameResolutionError';
}

export class TimeoutError extends RequestError {
  override name = 'TimeoutError';
}

/** More redirects than the session follows (requests' TooManyRedirects). */
export class TooManyRedirectsError extends RequestError {
  override name = 'TooManyRedirects';
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * Turns an undici/Node transport error into the RequestError subclass recorded for it. The
 * original error stays as `cause`, so its stack is not lost.
 */
export function toRequestError(err: unknown, timeoutSeconds: number | undefined): RequestError {
  if (err instanceof RequestError) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  const code = (error as { code?: unknown }).code;
  const options = { cause: error, code: typeof code === 'string' ? code : undefined };
  const message = error.message || String(code ?? error.name);
  if (code === 'ECONNREFUSED') return new ConnectionRefusedError(message, options);
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    const limit = timeoutSeconds === undefined ? '' : ` (timeout=${timeoutSeconds})`;
    return new TimeoutError(`${message}${limit}`, options);
  }
  if (typeof code === 'string' && RESET_CODES.has(code)) return new ConnectionResetError(message, options);
  if (typeof code === 'string' && DNS_CODES.has(code)) return new NameResolutionError(message, options);
  return new RequestError(message, options);
}
