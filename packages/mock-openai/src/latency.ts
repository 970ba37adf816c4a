/**
 * The latency and token model, kept apart from the HTTP layer. A plain answer is sent after
 * `totalMs`; a streamed one sends its first token after `ttftMs` and then decodes at
 * `streamTokenRate`, which is recomputed as other requests come and go.
 *
 * Everything here is a pure function of its inputs; the only randomness is the `jitter`
 * multiplier, drawn by the server from a seeded generator (see `createRng`).
 */
import { seededRandom } from '@locusta/core';
import type { ModelSpec } from './models.ts';

/** `max_tokens` when the request does not give one. */
export const DEFAULT_MAX_TOKENS = 256;
/** Fixed per-request overhead (HTTP, tokenizer, scheduling) at speed 1. */
const REQUEST_OVERHEAD_MS = 2;
/**
 * Extra decode time per additional concurrent request. With N requests in flight each one
 * decodes `1 + BATCH_CONTENTION * (N - 1)` times slower: continuous batching shares one
 * throughput budget, so aggregate tokens/s still rises with N but every single request
 * gets slower (16 in flight: 4.75x slower each, 3.4x the aggregate throughput).
 */
export const BATCH_CONTENTION = 0.25;
/** Default jitter: latencies vary uniformly by +-10%. */
export const DEFAULT_JITTER_SPREAD = 0.1;

/** Token estimate used for prompts: one token per 4 characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** 32-bit FNV-1a hash of a string: a stable seed derived from the prompt. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * How many tokens the "model" wants to say about a prompt before it stops on its own:
 * 16..128 depending on a hash of the prompt, plus up to 128 more for longer prompts.
 * The same prompt always gets the same length.
 */
export function naturalOutputTokens(promptText: string, promptTokens: number): number {
  return 16 + (fnv1a(promptText) % 113) + Math.min(promptTokens, 128);
}

/** Decode slowdown with `inFlight` requests in flight (including this one). */
export function concurrencySlowdown(inFlight: number): number {
  return 1 + BATCH_CONTENTION * Math.max(0, inFlight - 1);
}

/** A small, fast, seedable PRNG returning numbers in [0, 1): the one user files get from locusta. */
export const createRng: (seed: number) => () => number = seededRandom;

/** A multiplier in [1 - spread, 1 + spread). */
export function jitterFactor(rng: () => number, spread: number = DEFAULT_JITTER_SPREAD): number {
  return 1 + (rng() * 2 - 1) * spread;
}

export interface PlanInput {
  model: ModelSpec;
  /** All prompt text (every message's content, concatenated). */
  promptText: string;
  /** The request's `max_tokens`, if any. */
  maxTokens?: number | undefined;
  /** Requests in flight including this one, at admission. */
  inFlight: number;
  /** Latency divisor: 2 means everything takes half as long. */
  speed: number;
  /** Multiplier from `jitterFactor` (1 = none). */
  jitter: number;
  /** If set, the whole request takes exactly this long, regardless of everything else. */
  fixedLatencyMs?: number | undefined;
  /**
   * Reasoning tokens the "model" generates before its answer (0 = none). They count in the
   * completion tokens and in `max_tokens`, as OpenAI, DeepSeek and vLLM count them.
   */
  reasoningTokens?: number | undefined;
  /** The prompt's tokens when the server counts them itself (`countTokens`); else estimated from the text. */
  promptTokens?: number | undefined;
  /** Prompt tokens found in the prefix cache: not prefilled again. */
  cachedTokens?: number | undefined;
  /** vLLM's `min_tokens` and `ignore_eos`: the answer is at least `minTokens` long, or as long as `maxTokens` allows. */
  minTokens?: number | undefined;
  ignoreEos?: boolean | undefined;
}

export interface GenerationPlan {
  promptTokens: number;
  /** Prompt tokens served from the prefix cache (set by the server when it has one). */
  cachedTokens?: number;
  /** Every generated token: the reasoning ones first, then the answer's. */
  completionTokens: number;
  /** How many of the completion tokens are reasoning (at most completionTokens). */
  reasoningTokens: number;
  /** `length` when `max_tokens` cut the answer short, else `stop`. */
  finishReason: 'stop' | 'length';
  /** Time to first token: overhead + prefill. */
  ttftMs: number;
  /** Time between generated tokens (decode, slowed by concurrency). */
  interTokenMs: number;
  /** ttftMs + interTokenMs * (completionTokens - 1), or fixedLatencyMs. */
  totalMs: number;
}

export interface StreamRateInput {
  model: ModelSpec;
  /** Generation requests in flight now (streamed or not), this one included. */
  inFlight: number;
  /** Streams decoding now (past their first token), this one included. */
  decoding: number;
  speed: number;
  /** Tokens per second the whole server can decode at speed 1; undefined = no shared limit. */
  tokenBudget?: number | undefined;
}

/**
 * Tokens per second one stream decodes at: the model's own rate at the current batch size
 * (the same contention as `interTokenMs`), capped by an equal share of the server's token
 * budget. With a budget, adding streams leaves the total at the budget and slows each one,
 * as continuous batching does once the GPU is saturated. Infinite for a model that decodes
 * in no time.
 */
export function streamTokenRate(input: StreamRateInput): number {
  const decodeMs = input.model.decodeMsPerToken * concurrencySlowdown(input.inFlight);
  const own = decodeMs > 0 ? (1000 * input.speed) / decodeMs : Infinity;
  if (input.tokenBudget === undefined) return own;
  return Math.min(own, (input.tokenBudget * input.speed) / Math.max(1, input.decoding));
}

export function planGeneration(input: PlanInput): GenerationPlan {
  const promptTokens = input.promptTokens ?? estimateTokens(input.promptText);
  const natural = naturalOutputTokens(input.promptText, promptTokens);
  const limit = input.maxTokens ?? DEFAULT_MAX_TOKENS;
  // A reasoning model thinks first and then answers; `max_tokens` cuts the whole. With
  // ignore_eos it never stops on its own, and min_tokens keeps it going that long.
  const wanted = input.ignoreEos ? limit : Math.max((input.reasoningTokens ?? 0) + natural, input.minTokens ?? 0);
  const completionTokens = Math.max(0, Math.min(limit, wanted));
  const reasoningTokens = Math.min(input.reasoningTokens ?? 0, completionTokens);
  const finishReason = limit < wanted || input.ignoreEos ? 'length' : 'stop';

  if (input.fixedLatencyMs !== undefined) {
    const total = input.fixedLatencyMs;
    const ttft = completionTokens > 1 ? total * 0.2 : total;
    const inter = completionTokens > 1 ? (total - ttft) / (completionTokens - 1) : 0;
    return { promptTokens, completionTokens, reasoningTokens, finishReason, ttftMs: ttft, interTokenMs: inter, totalMs: total };
  }

  const scale = input.jitter / input.speed;
  const prefilled = Math.max(0, promptTokens - (input.cachedTokens ?? 0));
  const ttftMs = (REQUEST_OVERHEAD_MS + input.model.prefillMsPerToken * prefilled) * scale;
  const interTokenMs = input.model.decodeMsPerToken * concurrencySlowdown(input.inFlight) * scale;
  // The first token comes out of prefill; each further token costs one decode step.
  const totalMs = ttftMs + interTokenMs * Math.max(0, completionTokens - 1);
  return { promptTokens, completionTokens, reasoningTokens, finishReason, ttftMs, interTokenMs, totalMs };
}
