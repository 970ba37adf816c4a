import type { EnvironmentOptions, RequestEvent, User, UserClass } from '@locusta/core';
import { Environment, Events } from '@locusta/core';

export interface TestEnvironmentOptions extends Omit<EnvironmentOptions, 'userClasses'> {
  /** User classes, abstract or test-local ones included (checked by the runner, not here). */
  userClasses?: ReadonlyArray<UserClass | (abstract new (...args: never[]) => User)>;
}

/**
 * An environment with events of its own, so tests in one process never share listeners
 * (the process-wide `events` is what user files use).
 */
export function testEnvironment(options: TestEnvironmentOptions = {}): Environment {
  const { userClasses, ...rest } = options;
  return new Environment({ events: new Events(), ...rest, userClasses: userClasses ? ([...userClasses] as never) : undefined });
}

/** The request events `env` fires from now on, in order. */
export function recordRequests(env: Environment): RequestEvent[] {
  const requests: RequestEvent[] = [];
  env.events.request.addListener((event) => void requests.push(event));
  return requests;
}
