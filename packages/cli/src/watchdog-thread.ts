// The watchdog's own thread (see watchdog.ts). It runs beside a main thread that may be stuck in
// user code, so it depends on nothing but what it was handed: shared memory and messages.
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

interface WatchdogData {
  heartbeat: SharedArrayBuffer;
  runningTask: SharedArrayBuffer;
  limitMs: number;
}

/** What the main thread hands over every second. */
export interface WatchdogSnapshot {
  /** The summary tables as they stand (printed if the loop blocks). */
  summary?: string;
  /** Task names by id, when the list grew. */
  taskNames?: readonly string[];
}

const data = workerData as WatchdogData;
const heartbeat = new Int32Array(data.heartbeat);
const runningTask = new Int32Array(data.runningTask);
let names: readonly string[] = [];
let summary = '';
let beat = Atomics.load(heartbeat, 0);
let since = Date.now();

parentPort!.on('message', (m: WatchdogSnapshot) => {
  if (m.taskNames) names = m.taskNames;
  if (m.summary !== undefined) summary = m.summary;
});

setInterval(() => {
  const now = Atomics.load(heartbeat, 0);
  if (now !== beat) {
    beat = now;
    since = Date.now();
    return;
  }
  const blocked = Date.now() - since;
  if (blocked < data.limitMs) return;
  const id = runningTask[0]!;
  const task = names[id] ?? `task #${id}`;
  if (summary) writeSync(2, summary.endsWith('\n') ? summary : `${summary}\n`);
  writeSync(
    2,
    `locusta: error: the event loop has been blocked for ${Math.round(blocked / 1000)} s (LOCUSTA_BLOCKED_LIMIT), last task started: ${task}. ` +
      'A task that never yields (a synchronous loop?) stops timers, signals and the run time. The statistics above and the CSV files are those of the last second before it blocked; exiting.\n',
  );
  // Only the main thread can end the process with an exit code, and it is stuck: a signal is
  // the one way out of a worker thread.
  process.kill(process.pid, 'SIGKILL');
}, 250);
