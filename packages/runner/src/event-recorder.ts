import type { Environment, RequestEvent } from '@locusta/core';
import { messageOf, requestStartTime, stackOf } from '@locusta/core';
import type { ExceptionStats, RequestStats } from '@locusta/stats';

/** Times up to 10^12 ms (31 years) are kept; NaN, Infinity and other non-numbers mean no time, a negative one 0. */
function responseTimeOf(rt: unknown): number | null {
  if (typeof rt !== 'number' || !(rt < 1e12)) return null;
  return rt > 0 ? rt : 0;
}

/**
 * Feeds request and userError events into the statistics while attached. A failed request is
 * counted as a request and as a failure, as in Locust. Detaching freezes the statistics: late
 * events of killed users are not counted. A request that started outside the environment's
 * measurement window (warm-up, cool-down, before a reset) is left out, and counted as such.
 */
export class EventRecorder {
  readonly #env: Environment;
  readonly #onRequest: (e: RequestEvent) => void;
  readonly #onUserError: (e: { exception: unknown; tb?: string }) => void;
  readonly #onScheduleLag: (e: { lag: number }) => void;
  #attached = false;

  constructor(env: Environment, stats: RequestStats, exceptions: ExceptionStats) {
    this.#env = env;
    const window = env.measurement;
    this.#onRequest = (e) => {
      // User code fires request events too: a time or length that is not a number >= 0 would make
      // a report the master refuses (and lose the worker's statistics), so it is made one here.
      const rt = responseTimeOf(e.responseTime);
      // Judged by when it started (--warmup, --cooldown, a reset).
      if (!window.admits(requestStartTime(e.startTime, rt))) return;
      const length = typeof e.responseLength === 'number' && e.responseLength > 0 && e.responseLength < Number.MAX_VALUE ? e.responseLength : 0;
      const type = typeof e.requestType === 'string' ? e.requestType : String(e.requestType);
      const name = typeof e.name === 'string' ? e.name : String(e.name);
      stats.logRequest(type, name, rt, length);
      if (e.exception !== undefined && e.exception !== null) stats.logError(type, name, e.exception);
      if (e.scheduleLag !== undefined) {
        const lag = e.scheduleLag > 0 && Number.isFinite(e.scheduleLag) ? e.scheduleLag : 0;
        stats.logScheduled(type, name, rt, length, lag, e.exception);
      }
    };
    // A task's lag is known as it starts: now is its start time.
    this.#onScheduleLag = (e) => {
      if (window.contains(Date.now() / 1000)) stats.schedule.recordLag(Number.isFinite(e.lag) && e.lag < 1e12 ? e.lag : 0);
    };
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
