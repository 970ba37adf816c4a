import type { Logger } from '@locusta/core';

/** How often the parent process id is checked. */
const CHECK_MS = 1000;

/** Set by `--processes` on the workers it starts: they stop when their parent is gone. */
export const FORKED_BY_ENV = 'LOCUSTA_FORKED_BY';

/**
 * Whether this process should stop with its parent: when npm started it (npx, npm exec, npm run
 * set `npm_command`) or a `--processes` parent forked it. A command started from a shell with
 * `nohup ... &` is meant to outlive its shell, so it is not watched.
 */
function shouldWatchParent(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['npm_command'] || env[FORKED_BY_ENV]);
}

/**
 * Stops the run, as SIGTERM does, when the process that started this one is gone. Launchers do
 * not all pass signals on: `npx locusta` runs npm, then `sh -c locusta`, then node, and a SIGTERM
 * to npm ends the shell but not node, which would go on sending load with nobody to stop it.
 * A forked `--processes` worker whose parent died stops the same way. An orphan is re-parented
 * (to init or a subreaper), so a changed `process.ppid` is the sign, whatever the launcher.
 */
export function watchParent(logger: Logger, env: NodeJS.ProcessEnv = process.env): () => void {
  if (!shouldWatchParent(env)) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    logger.warn(`The parent process (pid ${parent}) exited: stopping as on SIGTERM`);
    process.kill(process.pid, 'SIGTERM');
  }, CHECK_MS);
  // The check alone must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
