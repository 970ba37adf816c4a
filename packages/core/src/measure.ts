import type { Events } from './events.ts';
import { events as globalEvents } from './events.ts';

/** What a measured block may set about its request. */
export interface MeasureMeta {
  responseLength: number;
  context: Record<string, unknown>;
  response?: unknown;
}

/**
 * Times `block` and fires one request event for it (Locust's `events.request.measure`): the
 * time runs from the call to the block's settling; a throw is recorded as a failure and not
 * rethrown, as in Locust. For Users whose client is not HTTP (TCP, WebSocket, a database).
 */
export async function measure<T>(
  requestType: string,
  name: string,
  block: (meta: MeasureMeta) => T | Promise<T>,
  options: { events?: Events } = {},
): Promise<T | undefined> {
  const meta: MeasureMeta = { responseLength: 0, context: {} };
  const startTime = Date.now() / 1000;
  const t0 = performance.now();
  let exception: unknown;
  let result: T | undefined;
  try {
    result = await block(meta);
  } catch (err) {
    exception = err;
  }
  (options.events ?? globalEvents).request.fire({
    requestType,
    name,
    responseTime: performance.now() - t0,
    responseLength: meta.responseLength,
    response: meta.response,
    context: meta.context,
    exception,
    startTime,
  });
  return result;
}
