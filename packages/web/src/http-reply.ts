import type { IncomingMessage } from 'node:http';
import { LocustaError } from '@locusta/core';

/** A response a route produces; the server writes it (HEAD requests get the headers only). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An error a route raises to answer with a status and a plain-text message. */
export class RouteError extends LocustaError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super('LOCUSTA_ERR_WEB_REQUEST', message);
    this.status = status;
    this.headers = headers;
  }
  override get name(): string {
    return 'RouteError';
  }
}

export function jsonReply(value: unknown, status = 200): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function textReply(body: string, status = 200, type = 'text/plain; charset=utf-8'): Reply {
  return { status, headers: { 'content-type': type }, body };
}

/** A CSV download with a file name for the browser to save it under. */
export function csvReply(body: string, filename: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
    body,
  };
}

/** Reads a request body, refusing more than `limit` bytes with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new RouteError(413, `Request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RouteError(413, `Request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
