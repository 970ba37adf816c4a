export { CookieJar } from './cookie-jar.ts';
export {
  CatchResponseError,
  ConnectionRefusedError,
  ConnectionResetError,
  HTTPError,
  NameResolutionError,
  RequestError,
  SSLError,
  TimeoutError,
  TooManyRedirectsError,
} from './errors.ts';
export { HttpResponse } from './http-response.ts';
export { HttpSession } from './http-session.ts';
export type {
  CatchResponse,
  CatchStreamedResponse,
  HttpRequestOptions,
  StreamRequestOptions,
} from './http-session.ts';
export type { RequestHeaders } from './request-headers.ts';
export { HttpUser } from './http-user.ts';
export type { Query, QueryValue } from './url.ts';
export type { CaCertificates } from './user-connections.ts';
export { LineDecoder } from './line-decoder.ts';
export { NdjsonDecoder } from './ndjson-decoder.ts';
export type { NdjsonItem } from './ndjson-decoder.ts';
export { SseParser } from './sse-parser.ts';
export type { ServerSentEvent } from './sse-parser.ts';
export type { ResponseTimings } from './stream-reader.ts';
export { StreamedResponse } from './streamed-response.ts';
