import { HttpUser, task, between, events } from 'locusta';

events.initCommandLineParser.addListener((parser) => {
  parser.option('model', { type: 'string', default: 'llama3.2:latest' });
});

export class InferenceUser extends HttpUser {
  waitTime = between(1, 3);
  headers: Record<string, string> = {};

  override async onStart() {
    this.headers = { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' };
  }

  @task
  async completions() {
    const payload = {
      model: this.environment.parsedOptions.model,
      messages: [{ role: 'user', content: 'What is load testing?' }],
      temperature: 0.7,
    };
    await this.client.post('/v1/chat/completions', {
      json: payload,
      headers: this.headers,
      catchResponse: (response) => {
        if (response.status === 200) {
          if ('content' in response.json()) response.success();
          else response.failure('Missing content field');
        } else if (response.status === 503) {
          response.success(); // expected under load
        } else {
          response.failure(`Unexpected status: ${response.status}`);
        }
      },
    });
  }
}
