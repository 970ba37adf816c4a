import { RouteError } from './http-reply.ts';

/** Posted fields by name; a field may repeat (a multi-select, repeated keys). */
export type FormFields = Map<string, string[]>;

function add(fields: FormFields, name: string, value: string): void {
  const list = fields.get(name);
  if (list) list.push(value);
  else fields.set(name, [value]);
}

/**
 * The fields of a POST body, as Flask's request.form gives them to Locust: URL-encoded and
 * multipart forms (text fields; uploaded files are refused), and, for scripts, a JSON object
 * whose values are strings, numbers, booleans or lists of them.
 */
export function parseFormBody(body: Buffer, contentType: string | undefined): FormFields {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') return fromJson(body);
  if (type === 'multipart/form-data') return fromMultipart(body, contentType ?? '');
  // Without a content type, curl -d and old clients send URL-encoded fields.
  if (type === '' || type === 'application/x-www-form-urlencoded') return fromUrlEncoded(body.toString('utf8'));
  throw new RouteError(415, `Unsupported content type '${type}': post a form (URL-encoded or multipart) or JSON`);
}

function fromUrlEncoded(text: string): FormFields {
  const fields: FormFields = new Map();
  for (const [name, value] of new URLSearchParams(text)) add(fields, name, value);
  return fields;
}

function fromJson(body: Buffer): FormFields {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RouteError(400, 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RouteError(400, 'The JSON body must be an object');
  const fields: FormFields = new Map();
  for (const [name, v] of Object.entries(value)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === null || item === undefined) continue;
      if (typeof item === 'object') throw new RouteError(400, `The JSON field '${name}' must be a string, a number, a boolean or a list of them`);
      add(fields, name, String(item));
    }
  }
  return fields;
}

function fromMultipart(body: Buffer, contentType: string): FormFields {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new RouteError(400, 'multipart/form-data without a boundary');
  const fields: FormFields = new Map();
  // The boundary is ASCII, so splitting the UTF-8 text cannot cut a character.
  const parts = body.toString('utf8').split(`--${boundary}`);
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new RouteError(400, 'A multipart part without headers');
    const headers = part.slice(2, headerEnd);
    const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) continue;
    if (/\bfilename=/i.test(disposition)) throw new RouteError(400, `File uploads are not accepted (field '${name}')`);
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    add(fields, name, value);
  }
  return fields;
}
