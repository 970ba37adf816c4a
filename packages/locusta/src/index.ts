// The package user files import: Locust's user API in TypeScript. It re-exports the core and
// HTTP packages, and what an output family (registerOutput) needs to write CSV, Prometheus text
// and escaped HTML as the built-in ones do; it adds nothing of its own.
export {
  Environment,
  EventHook,
  Events,
  InterruptTaskSet,
  LoadTestShape,
  LocustaError,
  RescheduleTask,
  RescheduleTaskImmediately,
  SequentialTaskSet,
  SpikeShape,
  StagesShape,
  StepLoadShape,
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
  poisson,
  registerOutput,
  seededRandom,
  sleep,
  tag,
  task,
} from '@locusta/core';
export type {
  CommandLineParser,
  EnvironmentOptions,
  Logger,
  MeasureMeta,
  OutputCsvFile,
  OutputExtension,
  OutputFactory,
  OutputHandle,
  OutputHistoryCsv,
  OutputPlacement,
  OutputSection,
  OutputTable,
  OutputVerdict,
  ParsedOptions,
  RequestEvent,
  RunnerHandle,
  ShapeTick,
  Stage,
  TaskSource,
  UserClass,
  WaitTimeFn,
} from '@locusta/core';
export { HttpSession, HttpUser, HttpResponse, SseParser, StreamedResponse } from '@locusta/http';
export type {
  CaCertificates,
  CatchResponse,
  CatchStreamedResponse,
  HttpRequestOptions,
  ResponseTimings,
  ServerSentEvent,
  StreamRequestOptions,
} from '@locusta/http';
export { LlamaCppUser, OllamaUser, OpenAIUser, PromptSource, chatBody, completionBody, defaultTokenizer, llmStatsOf, loadPrompts, loadTokenizer, ollamaChatBody, ollamaGenerateBody, syntheticPrompts, weightedModels } from '@locusta/llm';
export type { LlamaCppBody, LlamaCppResult, LlmRequestOptions, LlmResult, OllamaBody, OllamaEmbedResult, OllamaResult, PromptSourceOptions, SourcedPrompt, TextTokenizer } from '@locusta/llm';
export { PrometheusText, csvRow, csvTable, statsSettings as stats } from '@locusta/stats';
export type { CsvColumn, PrometheusLabels, StatsSettings } from '@locusta/stats';
export { escapeHtml } from '@locusta/report';
