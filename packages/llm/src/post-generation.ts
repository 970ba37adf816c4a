import type { HttpResponse, HttpSession, RequestHeaders, StreamedResponse } from '@locusta/http';
import type { LlmSample } from './llm-entry.ts';
import type { LlmCatchResponse } from './llm-verdict.ts';
import { judgeGeneration, retryAfterOf } from './llm-verdict.ts';
import { noteLlmSample } from './request-samples.ts';

/** How a native LLM user (Ollama, llama.cpp) posts one generation and reads its answer. */
export interface GenerationPost<R> {
  path: string;
  body: unknown;
  name: string;
  headers: RequestHeaders | undefined;
  timeout: number | undefined;
  /** Stream the answer (`readStream`) or read it whole (`readWhole`). */
  stream: boolean;
  readStream(response: StreamedResponse): Promise<R>;
  readWhole(response: HttpResponse): R;
  /** The sample of a read answer, noted on the response for the request event's listeners. */
  sampleOf(result: R): LlmSample;
  catchResponse: LlmCatchResponse<R> | undefined;
  shedIsFailure: boolean;
}

/**
 * Posts a generation and judges it: the answer is read in the session's catchResponse (so the
 * request's time covers the whole answer), its Retry-After kept, its sample noted for the
 * requests log, then the verdict given with the body's own error. Undefined only when a reader
 * threw (a bug, not a server): the request was then recorded as failed.
 */
export async function postGeneration<R extends { error: string | null; retryAfter: string | null }>(client: HttpSession, p: GenerationPost<R>): Promise<R | undefined> {
  let result: R | undefined;
  const judged = (response: HttpResponse, read: R): unknown => {
    result = read;
    read.retryAfter = retryAfterOf(response);
    noteLlmSample(response, p.sampleOf(read));
    return judgeGeneration(response, read, p.catchResponse, p.shedIsFailure);
  };
  const common = { json: p.body, name: p.name, headers: p.headers, timeout: p.timeout };
  if (p.stream) {
    await client.post(p.path, { ...common, stream: true, catchResponse: async (response) => judged(response, await p.readStream(response)) });
  } else {
    await client.post(p.path, { ...common, catchResponse: (response) => judged(response, p.readWhole(response)) });
  }
  return result;
}
