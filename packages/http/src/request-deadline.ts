import { LocustaError } from '@locusta/core';
import { TimeoutError } from './errors.ts';

/**
 * The `timeout` of a request: one deadline for all of it, connecting, the response headers and
 * the whole body, over every redirect hop. Kept here rather than left to undici's
 * headersTimeout/bodyTimeout, which are per phase (a body that trickles a byte a second never
 * trips bodyTimeout) and run on undici's coarse timer wheel (a 0.3 s timeout fired after about
 * a second). A request without a timeout costs nothing here: no deadline object, no timer.
 */
export interface Deadline {
  /** `performance.now()` by which the request must be over. */
  readonly at: number;
  /** The timeout as given, in seconds, for the error message. */
  readonly seconds: number;
}

/** What a request was doing when its deadline passed, for the error message. */
export type TimeoutPhase = 'connect' | 'headers' | 'body';

/** A handler whose request has a deadline: `onDeadline()` is called when it passes. */
export interface DeadlineTarget {
  onDeadline(): void;
}

const PHASES: Record<TimeoutPhase, { text: string; code: string }> = {
  // The codes are undici's for the same conditions, so code that checks them keeps working.
  connect: { text: 'connecting', code: 'UND_ERR_CONNECT_TIMEOUT' },
  headers: { text: 'waiting for the response headers', code: 'UND_ERR_HEADERS_TIMEOUT' },
  body: { text: 'reading the response body', code: 'UND_ERR_BODY_TIMEOUT' },
};

/** The `timeout` option checked: seconds, or undefined for none. Throws on anything else. */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout === Number.POSITIVE_INFINITY) {
    const shown = typeof timeout === 'string' ? `'${timeout}'` : String(timeout);
    throw new LocustaError('LOCUSTA_ERR_USAGE', `timeout must be a positive number of seconds, not ${shown}`);
  }
  return timeout;
}

/** The deadline of a request sent at `start` (performance.now()) with `timeout` seconds. */
export function deadlineAfter(start: number, timeout: number | undefined): Deadline | undefined {
  return timeout === undefined ? undefined : { at: start + timeout * 1000, seconds: timeout };
}

/** Starts the timer of `deadline` for `target`; already due, it fires on the next turn. */
export function armDeadline(target: DeadlineTarget, deadline: Deadline): NodeJS.Timeout {
  return setTimeout(fire, Math.max(0, deadline.at - performance.now()), target);
}

/**
 * True once `deadline` has passed. A Node timer counts from the event loop's cached clock and
 * can fire a fraction of a millisecond early: a handler that finds its deadline not passed
 * arms the timer again for the rest, so no request ends before its timeout.
 */
export function passed(deadline: Deadline): boolean {
  return performance.now() >= deadline.at;
}

/** The error a request that ran out of time is recorded with. */
export function timeoutError(deadline: Deadline, phase: TimeoutPhase): TimeoutError {
  const { text, code } = PHASES[phase];
  return new TimeoutError(`Request timed out ${text} (timeout=${deadline.seconds})`, { code });
}

// A module function with the target as the timer's argument: no closure per request.
function fire(target: DeadlineTarget): void {
  target.onDeadline();
}
