import { HttpUser, between, task } from 'locusta';

/** A visitor of the service under test: the home page, at a visitor's pace. */
export class Visitor extends HttpUser {
  waitTime = between(0.2, 0.5);

  @task
  async home() {
    await this.client.get('/');
  }
}
