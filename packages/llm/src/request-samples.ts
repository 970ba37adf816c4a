import type { LlmSample } from './llm-entry.ts';

// The LLM sample of a generation, keyed by the response object its request event carries, so
// that a listener of `events.request` (the requests log) reads the tokens and TTFT of the very
// request it is given. OpenAIUser, OllamaUser and LlamaCppUser note the sample before the
// session fires the event. A
// WeakMap under a global symbol (as attach.ts): a second copy of this package, bundled into a
// user file, notes into the map the CLI reads, and a response lets go of its sample with it.
const globals = globalThis as Record<symbol, unknown>;
const samples = (globals[Symbol.for('locusta.llm.samples')] ??= new WeakMap<object, LlmSample>()) as WeakMap<object, LlmSample>;

/** Ties a generation's sample to the response its request event carries. */
export function noteLlmSample(response: object, sample: LlmSample): void {
  samples.set(response, sample);
}

/** The LLM sample of the response a request event carries; undefined for other requests. */
export function llmSampleOf(response: unknown): LlmSample | undefined {
  return typeof response === 'object' && response !== null ? samples.get(response) : undefined;
}
