import { HttpUser, constant, task } from 'locusta';

/** A closed loop with no think time: the most requests one Locusta process can send. */
export class TightUser extends HttpUser {
  waitTime = constant(0);

  @task
  async root() {
    await this.client.get('/');
  }
}
