export { createMockServer } from './server.ts';
export type { MockCounters, MockServer, MockServerOptions, StreamCounters } from './server.ts';
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
  streamTokenRate,
} from './latency.ts';
export type { GenerationPlan, PlanInput, StreamRateInput } from './latency.ts';
export { OLLAMA_BUSY_MESSAGE } from './protocol.ts';
export type { OllamaPromptCount } from './ollama-protocol.ts';
export type { ChatCompletion, ModelObject, OpenAIError, ReasoningField, TextCompletion, Usage } from './protocol.ts';
export { SSE_DONE, SSE_PING, tokenize } from './stream-chunks.ts';
export type { ChatCompletionChunk, TextCompletionChunk } from './stream-chunks.ts';
export { fillerText } from './text.ts';
export { parseCliArgs, runCli, USAGE } from './cli.ts';
export type { CliIo } from './cli.ts';
