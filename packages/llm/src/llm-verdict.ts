import type { Environment } from '@locusta/core';
import type { HttpResponse } from '@locusta/http';
import { llmStatsOf } from './attach.ts';
import type { LlmSample } from './llm-entry.ts';
import type { LlmTimings } from './openai-user.ts';

// What OpenAIUser and OllamaUser share once an answer is read: its verdict and its recording.

/** Statuses by which a server says it is overloaded (Ollama and vLLM send 503, others 429). */
export function isShed(status: number): boolean {
  return status === 503 || status === 429;
}

/** Judges a response after its body is read: call `response.success()` or `response.failure()`. */
export type LlmCatchResponse<R> = (response: HttpResponse, result: R) => unknown;

/**
 * The caller's `catchResponse`, else the default verdict: a shed answer is a success unless
 * `shedIsFailure`; a 2xx whose body carried an error (`bodyProblem`) is a failure; otherwise no
 * verdict, and the session judges by the transport error and the status.
 */
export function judgeLlmResponse<R>(
  response: HttpResponse,
  result: R,
  given: LlmCatchResponse<R> | undefined,
  bodyProblem: string | undefined,
  shedIsFailure: boolean,
): unknown {
  if (given) return given(response, result);
  if (isShed(response.status)) {
    if (!shedIsFailure) response.success();
  } else if (bodyProblem !== undefined && response.status >= 200 && response.status < 300) {
    response.failure(bodyProblem);
  }
  return undefined;
}

/** The answer's Retry-After header (a shed answer's hint), or null. */
export function retryAfterOf(response: HttpResponse): string | null {
  const header = response.headers['retry-after'];
  return header === undefined ? null : Array.isArray(header) ? header.join(', ') : header;
}

/**
 * The verdict on a generation's read answer, judged with the body's own error (an error object,
 * an answer that is not JSON) when the transport had none: the session records that as itself.
 */
export function judgeGeneration<R extends { error: string | null }>(
  response: HttpResponse,
  result: R,
  given: LlmCatchResponse<R> | undefined,
  shedIsFailure: boolean,
): unknown {
  const bodyProblem = response.error === undefined ? (result.error ?? undefined) : undefined;
  return judgeLlmResponse(response, result, given, bodyProblem, shedIsFailure);
}

/**
 * Records a generation in the LLM metrics unless it started in the warm-up or cool-down (or
 * before a reset), as its HTTP request was left out; true when it was recorded.
 */
export function recordGeneration(environment: Environment, sample: LlmSample): boolean {
  if (!environment.measurement.contains(sample.startTime / 1000)) return false;
  llmStatsOf(environment).record(sample);
  return true;
}

/** A generation's verdict and client timings as a sample takes them (every LLM user's part). */
export function sampleTimings(
  r: { outcome: LlmSample['outcome']; retryAfter: string | null; timings: LlmTimings },
  stream: boolean,
): Pick<LlmSample, 'outcome' | 'retryAfter' | 'e2e' | 'ttft' | 'answerTtft' | 'itl'> {
  return {
    outcome: r.outcome,
    retryAfter: r.retryAfter !== null,
    e2e: r.timings.e2e,
    ttft: r.timings.ttft ?? undefined,
    answerTtft: r.timings.answerTtft ?? undefined,
    itl: stream ? r.timings.itl : undefined,
  };
}
