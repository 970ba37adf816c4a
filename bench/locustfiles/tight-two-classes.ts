import { HttpUser, constant, task } from 'locusta';

/**
 * tight.ts split over two User classes: a run with several classes tracks the current user
 * through async code (to name the class of an error that escapes a task), which costs every
 * promise something; this measures how much.
 */
export class TightUser extends HttpUser {
  waitTime = constant(0);

  @task
  async root() {
    await this.client.get('/');
  }
}

export class OtherTightUser extends TightUser {}
