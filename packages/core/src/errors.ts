/**
 * Errors of Locusta. `LocustaError` is the base of every error class Locusta raises for bad
 * input, misuse or a broken peer, in every package: each carries a stable `code` from
 * LocustaErrorCode, and its `name` is its class's, from a getter on the class (never an own
 * property, as for Node's errors). The base is branded with a `Symbol.for` key so that
 * `instanceof LocustaError` still holds when a user file ends up with a second copy of this
 * package (the brand is shared through the global symbol registry).
 *
 * Two families stay apart on purpose: the control-flow signals below (Locust's StopUser,
 * RescheduleTask...), which steer a user and are not failures, and the exceptions failed
 * requests are recorded with (@locusta/http's HTTPError, ConnectionRefusedError...), which
 * describe the system under test, keep the transport's code (`ECONNREFUSED`,
 * `UND_ERR_HEADERS_TIMEOUT`) as their `code`, and are never thrown at the user.
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
  | 'LOCUSTA_ERR_CATCH_RESPONSE'
  /** An `--slo` expression that does not parse (@locusta/stats' SloError). */
  | 'LOCUSTA_ERR_SLO'
  /** A `--goodput` value that does not parse (@locusta/llm's GoodputError). */
  | 'LOCUSTA_ERR_GOODPUT'
  /** A master/worker frame refused (@locusta/runner's ProtocolError). */
  | 'LOCUSTA_ERR_PROTOCOL'
  /** A web UI request answered with an error status (@locusta/web's RouteError). */
  | 'LOCUSTA_ERR_WEB_REQUEST'
  /** A posted value that does not fit its custom option (@locusta/web's OptionValueError). */
  | 'LOCUSTA_ERR_OPTION_VALUE'
  /** A request the mock OpenAI server refuses (@locusta/mock-openai's InvalidRequestError). */
  | 'LOCUSTA_ERR_INVALID_REQUEST';

/**
 * Base class of the errors Locusta raises. A subclass sets its code through the constructor and
 * its name with `override get name()`.
 */
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
    return this.name;
  }
  /**
   * Any copy's errors are LocustaErrors (the brand); a subclass is checked the ordinary way, by
   * its prototype chain (this static method is inherited, so without the test every LocustaError
   * would pass for every subclass).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== LocustaError) return Function.prototype[Symbol.hasInstance].call(this, value);
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

/** The error's message (Locust's `str(exception)`), or the thrown value as text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
