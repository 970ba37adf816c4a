/** Request headers; names are case-insensitive. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Whether `headers` has a header named `lowerName` (given in lower case), in any case. */
export function hasHeader(headers: RequestHeaders | undefined, lowerName: string): boolean {
  if (!headers) return false;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lowerName) return true;
  return false;
}
