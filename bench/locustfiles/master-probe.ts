import { HttpUser, constant, events, task } from 'locusta';

// bench/master-capacity.mjs runs a master with this file and simulated workers (the user below
// never runs). The master fires workerReport after merging each worker's report; this counts
// them and prints `MERGED <unix seconds> <count>` on stderr every 500 ms, so the benchmark
// reads the master's own merge rate even when it falls behind the workers. Costs one counter
// increment per report and a timer.
let merged = 0;
events.workerReport.addListener(() => {
  merged++;
});
setInterval(() => process.stderr.write(`MERGED ${Date.now() / 1000} ${merged}\n`), 500).unref();

export class TightUser extends HttpUser {
  waitTime = constant(0);

  @task
  async root() {
    await this.client.get('/');
  }
}
