// TypeScript lowers decorators but does not provide Symbol.metadata; use the same registry
// symbol esbuild's helpers fall back to, so both agree.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

export { camelCase } from './camel-case.ts';
export { Environment } from './environment.ts';
export type { EnvironmentOptions, ParsedOptions } from './environment.ts';
export type { RequestSpan, RequestTracer } from './request-tracer.ts';
export {
  InterruptTaskSet,
  LocustaError,
  RescheduleTask,
  RescheduleTaskImmediately,
  StopTest,
  StopUser,
  UserKilled,
  describeError,
  isControlFlow,
  messageOf,
  stackOf,
} from './errors.ts';
export type { LocustaErrorCode } from './errors.ts';
export { EventHook } from './event-hook.ts';
export type { Listener } from './event-hook.ts';
export { Events, events } from './events.ts';
export type { CommandLineParser, RequestEvent, RunnerHandle } from './events.ts';
export { silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { measure } from './measure.ts';
export type { MeasureMeta } from './measure.ts';
export { sleep } from './sleep.ts';
export { tag, task } from './task.ts';
export {
  TaskPicker,
  activeTasks,
  declaredTasks,
  filterTasksByTags,
  isTaskSetClass,
} from './task-list.ts';
export type { TaskDef, TaskSource } from './task-list.ts';
export { SequentialTaskSet, TaskSet } from './task-set.ts';
export { parseTimespan } from './timespan.ts';
export { hostProblem } from './host-url.ts';
export { MAX_USERS } from './limits.ts';
export { missingTasks } from './missing-tasks.ts';
export { User } from './user.ts';
export { currentUser, runAsUser } from './user-context.ts';
export { runningTaskBuffer, taskNames } from './running-task.ts';
export { MeasurementWindow, requestStartTime } from './measurement-window.ts';
export type { ExcludedCounts, WindowOffsets } from './measurement-window.ts';
export { AWAITED_IO, PENDING_REQUESTS, TASK_SEQ, UnawaitedRequests } from './unawaited-requests.ts';
export type { UnawaitedDelta } from './unawaited-requests.ts';
export type { UserClass, UserState } from './user.ts';
export { seededRandom } from './random.ts';
export { TASK_GATE } from './task-gate.ts';
export { PACING_LAG } from './wait-time.ts';
export type { TaskGate } from './task-gate.ts';
export { between, constant, constantPacing, constantThroughput, poisson } from './wait-time.ts';
export type { WaitTimeFn } from './wait-time.ts';
export { LoadTestShape, SpikeShape, StagesShape, StepLoadShape, isShapeClass } from './load-test-shape.ts';
export type { ShapeTick, Stage } from './load-test-shape.ts';
export { addOutput, attachOutputs, makeOutputs, outputsOf, registerOutput } from './outputs.ts';
export type { OutputFactory, OutputHandle, OutputRole } from './outputs.ts';
export type { OutputChartSeries, OutputCsvFile, OutputExtension, OutputHistoryCsv, OutputPlacement, OutputSection, OutputTable, OutputTimeChart, OutputVerdict } from './output-extension.ts';
