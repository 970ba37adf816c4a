// The package user files import: Locust's user API in TypeScript. It re-exports the core and
// HTTP packages and adds nothing of its own.
export {
  Environment,
  EventHook,
  Events,
  InterruptTaskSet,
  LocustaError,
  RescheduleTask,
  RescheduleTaskImmediately,
  SequentialTaskSet,
  StopTest,
  StopUser,
  TaskSet,
  User,
  between,
  constant,
  constantPacing,
  constantThroughput,
  events,
  measure,
  parseTimespan,
  sleep,
  tag,
  task,
} from '@locusta/core';
export type {
  CommandLineParser,
  EnvironmentOptions,
  Logger,
  MeasureMeta,
  ParsedOptions,
  RequestEvent,
  RunnerHandle,
  TaskSource,
  UserClass,
  WaitTimeFn,
} from '@locusta/core';
export { HttpSession, HttpUser, HttpResponse } from '@locusta/http';
export type { CatchResponse, HttpRequestOptions } from '@locusta/http';
