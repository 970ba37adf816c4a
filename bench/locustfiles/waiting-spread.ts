import { HttpUser, constant, task } from 'locusta';

/**
 * The WaitingUser of waiting.ts, over several target addresses: BENCH_TARGETS is a
 * comma-separated list of base URLs (e.g. http://127.0.0.1:8080,http://127.0.0.2:8080) and the
 * users take them in turn. The kernel picks a client port per (client address, target address,
 * target port), so N targets give room for N times the 28,000 ephemeral ports of one.
 */
const targets = (process.env.BENCH_TARGETS ?? '').split(',').filter(Boolean);
/** BENCH_USERS: the user count, after whose first responses the line below is written. */
const users = Number(process.env.BENCH_USERS);
let spawned = 0;
let answered = 0;

export class SpreadWaitingUser extends HttpUser {
  // Set before HttpUser reads it (the client is created at the first request).
  override host = targets[spawned++ % targets.length];
  waitTime = constant(600);

  @task
  async root() {
    await this.client.get('/');
    // The bench measures from here: every user then waits, holding its connection.
    if (++answered === users) process.stderr.write(`BENCH: all ${users} users have their response\n`);
  }
}
