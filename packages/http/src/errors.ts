import { STATUS_CODES } from 'node:http';

/**
 * The exceptions HTTP requests are recorded with. Their `name` is what the failure statistics
 * group on, so each condition has its own class with a fixed name (Python's requests and Locust
 * report `HTTPError`, `CatchResponseError`, `ConnectionRefusedError`... the same way). The name
 * comes from a getter, as for every error class of Locusta.
 *
 * They are not LocustaErrors: they describe the system under test, not a misuse of Locusta,
 * they are recorded rather than thrown, and a RequestError's `code` is the transport's own
 * (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`), which user code may check.
 */

/**
 * A response with status >= 400 that no `catchResponse` callback judged (requests' HTTPError).
 * The message names the response's full URL, as Locust's does, or the request's `name` when one
 * was given: the failures table groups on the message, and Locust names the name so that one
 * name's failures stay one row whatever URLs it covers. The method is the failure row's own
 * column, so the message leaves it out, as Locust's does.
 */
export class HTTPError extends Error {
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
  override get name(): string {
    return 'HTTPError';
  }
}

/** A failure marked with a message by `response.failure('...')` (Locust's CatchResponseError). */
export class CatchResponseError extends Error {
  override get name(): string {
    return 'CatchResponseError';
  }
}

/**
 * A request that got no complete response: the connection failed, broke or timed out. The
 * subclasses name the condition; `code` is the underlying Node/undici code and `cause` its error.
 */
export class RequestError extends Error {
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { cause: options?.cause });
    this.code = options?.code;
  }
  /** requests' ConnectionError: the name Locust users see for a connection failure. */
  override get name(): string {
    return 'ConnectionError';
  }
}

export class ConnectionRefusedError extends RequestError {
  override get name(): string {
    return 'ConnectionRefusedError';
  }
}

export class ConnectionResetError extends RequestError {
  override get name(): string {
    return 'ConnectionResetError';
  }
}

export class NameResolutionError extends RequestError {
  override get name(): string {
    return 'NameResolutionError';
  }
}

export class TimeoutError extends RequestError {
  override get name(): string {
    return 'TimeoutError';
  }
}

/**
 * The TLS connection failed: the server's certificate did not verify (unless `insecure`), or
 * the handshake did (requests' SSLError).
 */
export class SSLError extends RequestError {
  override get name(): string {
    return 'SSLError';
  }
}

/** More redirects than the session follows (requests' TooManyRedirects). */
export class TooManyRedirectsError extends RequestError {
  override get name(): string {
    return 'TooManyRedirects';
  }
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
/** OpenSSL's certificate verification results as Node codes them, and Node's name check. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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
  if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) {
    return new SSLError(`certificate verify failed: ${message}`, options);
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    return new SSLError(message, options);
  }
  return new RequestError(message, options);
}
