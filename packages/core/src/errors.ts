/**
 * Errors of Locusta. Each carries a stable `code`, and every class is branded with a
 * `Symbol.for` key so that `instanceof` still works when a user file ends up with a second
 * copy of this package (the brand is shared through the global symbol registry).
 */

const BRAND = Symbol.for('locusta.error');

export type LocustaErrorCode =
  | 'LOCUSTA_ERR_USAGE'
  | 'LOCUSTA_ERR_USER_FILE'
  | 'LOCUSTA_ERR_NO_USER_CLASS'
  | 'LOCUSTA_ERR_UNKNOWN_USER_CLASS'
  | 'LOCUSTA_ERR_TIMESPAN'
  | 'LOCUSTA_ERR_HOST'
  | 'LOCUSTA_ERR_TASKS'
  | 'LOCUSTA_ERR_CATCH_RESPONSE';

/** Base class of the errors Locusta raises for bad input or misuse. */
export class LocustaError extends Error {
  readonly code: LocustaErrorCode;
  constructor(code: LocustaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return 'LocustaError';
  }
  get [BRAND](): string {
    return 'LocustaError';
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}

const SIGNAL = Symbol.for('locusta.signal');

function isSignal(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && (value as { [SIGNAL]?: string })[SIGNAL] === name;
}

/**
 * Control-flow signals (Locust's exceptions of the same names). They are thrown by user code
 * or by the framework and caught by the task loop; they are not failures. Each is recognised by
 * its class name under a global symbol, so `instanceof` holds across copies of this package.
 */
abstract class ControlSignal extends Error {
  override get name(): string {
    return this.constructor.name;
  }
  get [SIGNAL](): string {
    return this.constructor.name;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSignal(value, this.name);
  }
}

/** Ends the user that throws it (its `onStop` runs). */
export class StopUser extends ControlSignal {}

/** Ends the whole test when thrown while spawning; inside a task it ends that user only, as Locust. */
export class StopTest extends ControlSignal {}

/** Abandons the current task; the user waits, then picks the next task. */
export class RescheduleTask extends ControlSignal {}

/** Abandons the current task and picks the next one without waiting. */
export class RescheduleTaskImmediately extends ControlSignal {}

/** Leaves the running TaskSet and returns control to its parent. */
export class InterruptTaskSet extends ControlSignal {
  readonly reschedule: boolean;
  constructor(reschedule = true) {
    super('InterruptTaskSet');
    this.reschedule = reschedule;
  }
}

/** Thrown into a user's task loop when the runner kills the user (Locust's GreenletExit). */
export class UserKilled extends ControlSignal {}

/** True for errors that steer a user's task loop rather than report a problem. */
export function isControlFlow(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { [SIGNAL]?: string })[SIGNAL] === 'string';
}

/** The error's stack (its name and message first), or the thrown value as text. */
export function stackOf(err: unknown): string {
  return err instanceof Error && err.stack ? err.stack : String(err);
}

/** `Name: message` of an error, or the thrown value as text: for one-line log messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
