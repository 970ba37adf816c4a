// Baseline B: autocannon's programmatic API, a warm-up run, then a measured run.
//   node bench/clients/autocannon.mjs --url http://127.0.0.1:PORT --connections 32 --duration 10 --warmup 2
// Prints one JSON line: { requests, seconds, rps, cpuSeconds, errors }.
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
  },
});
if (!values.url) throw new Error('--url is required');

const run = (duration) =>
  autocannon({ url: values.url, connections: Number(values.connections), pipelining: 1, duration });

await run(Number(values.warmup));
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const result = await run(Number(values.duration));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const requests = result['2xx'];
process.stdout.write(
  `${JSON.stringify({
    requests,
    seconds,
    rps: requests / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);
