import { HttpUser, constant, task } from 'locusta';

/**
 * The reading OpenAIUser did before it read streams in step with the connection, as a baseline
 * for bench/llm-streams.mjs --baseline: `for await` over `events()` (two async generators per
 * event), JSON.parse of every chunk, a clock read per token. It records no LLM metrics, so it
 * does less than OpenAIUser did: a baseline that flatters the old way.
 */
export class EventsLoopUser extends HttpUser {
  waitTime = constant(0);

  @task
  async generate() {
    const json = { model: 'bench', messages: [{ role: 'user', content: 'Count.' }], max_tokens: 50, stream: true, stream_options: { include_usage: true } };
    await this.client.post('/chat/completions', {
      json,
      name: 'stream',
      stream: true,
      catchResponse: async (response) => {
        const parts: string[] = [];
        const itl: number[] = [];
        let first: number | undefined;
        let last = 0;
        for await (const event of response.events()) {
          if (event.data === '[DONE]') break;
          let chunk: { choices?: Array<{ delta?: { content?: unknown } }> };
          try {
            chunk = JSON.parse(event.data) as typeof chunk;
          } catch {
            continue;
          }
          const content = chunk.choices?.[0]?.delta?.content;
          if (typeof content !== 'string' || content === '') continue;
          parts.push(content);
          const now = performance.now() - response.timings.start;
          if (first === undefined) first = response.markFirstToken();
          else itl.push(now - last);
          last = now;
        }
        response.success();
      },
    });
  }
}
