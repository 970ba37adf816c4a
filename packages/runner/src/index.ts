export { LocalRunner, pyJson } from './local-runner.ts';
export type { MessageListener, RunnerState } from './local-runner.ts';
export { CPU_WARNING_THRESHOLD, LOOP_LAG_WARNING_MS, UsageMonitor } from './usage-monitor.ts';
export { UsersDispatcher, sortWorkers } from './users-dispatcher.ts';
export type { DispatchClass, DispatchStep, Distribution } from './users-dispatcher.ts';
export { weightedSequence } from './weighted-sequence.ts';
