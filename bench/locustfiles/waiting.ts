import { HttpUser, constant, task } from 'locusta';

/**
 * A user that does one request and then waits 30 s: with a short run time every user spends the
 * measurement waiting, holding its session (an undici Client with its keep-alive socket, its
 * cookie jar).
 */
export class WaitingUser extends HttpUser {
  waitTime = constant(30);

  @task
  async root() {
    await this.client.get('/');
  }
}
