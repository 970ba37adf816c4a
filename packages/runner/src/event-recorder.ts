import type { Environment, RequestEvent } from '@locusta/core';
import { stackOf } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';

/** Locust's `str(exception)`: the message alone. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Feeds request and userError events into the statistics while attached. A failed request is
 * counted as a request and as a failure, as in Locust. Detaching freezes the statistics: late
 * events of killed users are not counted.
 */
export class EventRecorder {
  readonly #env: Environment;
  readonly #onRequest: (e: RequestEvent) => void;
  readonly #onUserError: (e: { exception: unknown; tb?: string }) => void;
  readonly #onScheduleLag: (e: { lag: number }) => void;
  #attached = false;

  constructor(env: Environment, stats: RequestStats, exceptions: ExceptionStats) {
    this.#env = env;
    this.#onRequest = (e) => {
      stats.logRequest(e.requestType, e.name, e.responseTime, e.responseLength);
      if (e.exception !== undefined && e.exception !== null) stats.logError(e.requestType, e.name, e.exception);
      if (e.scheduleLag !== undefined) {
        stats.logScheduled(e.requestType, e.name, e.responseTime, e.responseLength, e.scheduleLag, e.exception);
      }
    };
    this.#onScheduleLag = (e) => stats.schedule.recordLag(e.lag);
    this.#onUserError = (e) => {
      exceptions.log(messageOf(e.exception), e.tb ?? stackOf(e.exception), env.nodeId);
    };
  }

  attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.#env.events.request.addListener(this.#onRequest);
    this.#env.events.userError.addListener(this.#onUserError);
    this.#env.events.scheduleLag.addListener(this.#onScheduleLag);
  }

  detach(): void {
    this.#attached = false;
    this.#env.events.request.removeListener(this.#onRequest);
    this.#env.events.userError.removeListener(this.#onUserError);
    this.#env.events.scheduleLag.removeListener(this.#onScheduleLag);
  }
}
