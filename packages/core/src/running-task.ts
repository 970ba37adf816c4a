/**
 * The last task started in this process, readable from another thread. A task that never yields
 * (`while (true) {}`) blocks the event loop: nothing in the main thread can then say which task
 * it is, so the task loop stores the id of every task it starts in shared memory, where a watchdog
 * thread reads it. One typed-array store per task; ids name `Class.task` in `taskNames()`.
 */
const running = new Int32Array(new SharedArrayBuffer(4));
const names: string[] = ['(no task started)'];
const ids = new Map<string, number>();

/** The id of `name` (`Class.task`); one per name, as scheduleTask makes a definition per call. */
export function taskId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = names.push(name) - 1;
    ids.set(name, id);
  }
  return id;
}

/** Called by the task loop as a task starts. */
export function taskStarted(id: number): void {
  running[0] = id;
}

/** The shared memory holding the id of the last task started. */
export function runningTaskBuffer(): SharedArrayBuffer {
  return running.buffer as SharedArrayBuffer;
}

/** Task names by id (the list only grows). */
export function taskNames(): readonly string[] {
  return names;
}
