export { CookieJar } from './cookie-jar.ts';
export {
  CatchResponseError,
  ConnectionRefusedError,
  ConnectionResetError,
  HTTPError,
  NameResolutionError,
  RequestError,
  TimeoutError,
  TooManyRedirectsError,
} from './errors.ts';
export { HttpResponse } from './http-response.ts';
export { HttpSession } from './http-session.ts';
export type { CatchResponse, HttpRequestOptions, RequestHeaders } from './http-session.ts';
export { HttpUser } from './http-user.ts';
export type { Query, QueryValue } from './url.ts';
