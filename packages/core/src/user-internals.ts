import type { UserInternals } from './task-loop.ts';

/**
 * The key under which a User hands out its loop hooks. In a file of its own so that TaskSet
 * reaches a user's hooks without importing User, which imports TaskSet to spawn it.
 */
export const INTERNALS: unique symbol = Symbol('locusta.user.internals');

/** The loop hooks of a user, for TaskSets running on its behalf. */
export function userInternals(user: { readonly [INTERNALS]: UserInternals }): UserInternals {
  return user[INTERNALS];
}
