import { AsyncLocalStorage } from 'node:async_hooks';
import type { User } from './user.ts';

/**
 * The user on whose behalf code runs, carried through timers, promises and callbacks. An error
 * that escapes a task's promise chain (a throw in a setTimeout callback, a rejected promise
 * nothing awaits) reaches the process's uncaughtException and unhandledRejection handlers,
 * which run in the context of the code that failed: this is how they know the user class.
 */
const users = new AsyncLocalStorage<User>();

/** Runs `fn` (a user's whole life) with `user` as the current user of everything it starts. */
export function runAsUser<T>(user: User, fn: () => T): T {
  return users.run(user, fn);
}

/** The user whose code is running, if the code was started by a user. */
export function currentUser(): User | undefined {
  return users.getStore();
}
