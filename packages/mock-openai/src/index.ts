export { createMockServer } from './server.ts';
export type { MockCounters, MockServer, MockServerOptions } from './server.ts';
export { DEFAULT_MODELS, findModel } from './models.ts';
export type { ModelSpec } from './models.ts';
export {
  BATCH_CONTENTION,
  DEFAULT_MAX_TOKENS,
  concurrencySlowdown,
  createRng,
  estimateTokens,
  jitterFactor,
  naturalOutputTokens,
  planGeneration,
} from './latency.ts';
export type { GenerationPlan, PlanInput } from './latency.ts';
export { OLLAMA_BUSY_MESSAGE } from './protocol.ts';
export type { ChatCompletion, ModelObject, OpenAIError, TextCompletion, Usage } from './protocol.ts';
export { fillerText } from './text.ts';
export { parseCliArgs, runCli, USAGE } from './cli.ts';
export type { CliIo } from './cli.ts';
