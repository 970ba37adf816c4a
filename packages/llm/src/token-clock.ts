import type { StreamedResponse } from '@locusta/http';

/**
 * The times of a stream's generated chunks, as the NDJSON and SSE readers of OllamaUser and
 * LlamaCppUser take them: the first chunk marks TTFT on the response (ms from the request's
 * start), each later one adds the gap since the one before to the inter-token latencies.
 */
export class TokenClock {
  ttft: number | null = null;
  readonly itl: number[] = [];
  #last = 0;
  readonly #response: StreamedResponse;

  constructor(response: StreamedResponse) {
    this.#response = response;
  }

  /** A chunk with generated tokens arrived now. */
  tick(): void {
    if (this.ttft === null) {
      this.ttft = this.#response.markFirstToken();
      this.#last = this.ttft;
      return;
    }
    const now = performance.now() - this.#response.timings.start;
    this.itl.push(now - this.#last);
    this.#last = now;
  }
}
