import { HttpUser, constant, task } from 'locusta';

/** tight.ts with a request timeout: the same loop, plus the timeout's timer on every request. */
export class TightTimeoutUser extends HttpUser {
  waitTime = constant(0);

  @task
  async root() {
    await this.client.get('/', { timeout: 30 });
  }
}
