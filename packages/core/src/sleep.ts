import { UserKilled } from './errors.ts';

/**
 * Sleeps `seconds`, rejecting with UserKilled as soon as `signal` aborts. A zero wait still
 * yields to the event loop (setImmediate) so a task with no I/O cannot starve the process.
 */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new UserKilled());
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const ms = seconds * 1000;
    const handle = ms > 0 ? setTimeout(done, ms) : setImmediate(done);
    const onAbort = () => {
      if (ms > 0) clearTimeout(handle as NodeJS.Timeout);
      else clearImmediate(handle as NodeJS.Immediate);
      reject(new UserKilled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
