import { HttpUser, constant, events, task } from 'locusta';

// bench/master-capacity.mjs runs a master with this file and simulated workers (the user below
// never runs). The master fires workerReport after merging each worker's report; this counts
// them and prints `MERGED <unix seconds> <count>` on stderr at most every 500 ms, so the
// benchmark reads the master's own merge rate even when it falls behind the workers. It prints
// from the listener, because a saturated master's timers can wait for many seconds; a timer
// covers the quiet times. Costs a counter increment and a clock read per report.
let merged = 0;
let printedAt = 0;
const print = (now: number) => {
  printedAt = now;
  process.stderr.write(`MERGED ${now / 1000} ${merged}\n`);
};
events.workerReport.addListener(() => {
  merged++;
  const now = Date.now();
  if (now - printedAt >= 500) print(now);
});
setInterval(() => {
  const now = Date.now();
  if (now - printedAt >= 500) print(now);
}, 500).unref();

export class TightUser extends HttpUser {
  waitTime = constant(0);

  @task
  async root() {
    await this.client.get('/');
  }
}
