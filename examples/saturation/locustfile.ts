import { HttpUser, between, task } from 'locusta';

/**
 * Realistic chat traffic for a local inference server: three model sizes chosen by weight, and
 * short, medium and long conversations with a cap on the answer length. A 503 under load is the
 * server shedding work, counted as expected (as in the inference example).
 */
const MODELS: Array<[model: string, weight: number]> = [
  ['llama3.2:1b', 5],
  ['llama3.1:8b', 3],
  ['qwen2.5:14b', 1],
];

const TOPICS = ['load testing', 'queueing theory', 'HTTP keep-alive', 'tail latency', 'capacity planning', 'batching on GPUs'];

function pick<T>(items: Array<[T, number]>): T {
  let r = Math.random() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[0]![0];
}

/** A conversation of 1 to 7 turns; long ones carry a few hundred words of context. */
function conversation(): Array<{ role: string; content: string }> {
  const topic = TOPICS[Math.floor(Math.random() * TOPICS.length)]!;
  const turns = pick<number>([[1, 6], [3, 3], [7, 1]]);
  const messages = [{ role: 'system', content: 'You are a concise assistant.' }];
  for (let i = 1; i < turns; i++) {
    messages.push({ role: 'user', content: `Tell me more about ${topic}, part ${i}.` });
    messages.push({ role: 'assistant', content: `${topic} `.repeat(20 + Math.floor(Math.random() * 60)) });
  }
  messages.push({ role: 'user', content: `Summarise ${topic} in a few sentences.` });
  return messages;
}

export class ChatUser extends HttpUser {
  waitTime = between(0.5, 2);

  @task
  async chat() {
    const model = pick(MODELS);
    await this.client.post('/v1/chat/completions', {
      json: { model, messages: conversation(), max_tokens: pick<number>([[32, 3], [128, 2], [256, 1]]) },
      // One entry per model size, so each gets its own histogram and percentiles.
      name: `chat ${model}`,
      catchResponse: (response) => {
        if (response.status === 200 || response.status === 503) response.success();
        else response.failure(`Unexpected status: ${response.status}`);
      },
    });
  }
}
