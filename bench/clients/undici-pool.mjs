// Baseline A: the cheapest sensible Node client. An undici Pool of N connections, C async loops of
// pool.request() + reading the body, a warm-up, then a measured window.
//   node bench/clients/undici-pool.mjs --url http://127.0.0.1:PORT --duration 10 --warmup 2
// Prints one JSON line: { requests, seconds, rps, cpuSeconds, errors }.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// undici belongs to packages/http (style.md B.2); resolve the copy it uses instead of declaring it here.
const require = createRequire(new URL('../../packages/http/package.json', import.meta.url));
const { Pool } = await import(pathToFileURL(require.resolve('undici')).href);

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '32' },
    concurrency: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
  },
});
if (!values.url) throw new Error('--url is required');

const pool = new Pool(values.url, { connections: Number(values.connections), pipelining: 1 });
let running = true;
let count = 0;
let errors = 0;

async function loop() {
  while (running) {
    try {
      const { body } = await pool.request({ path: '/', method: 'GET' });
      await body.text();
      count++;
    } catch {
      errors++;
    }
  }
}

const loops = Array.from({ length: Number(values.concurrency) }, loop);
await new Promise((r) => setTimeout(r, Number(values.warmup) * 1000));
count = 0;
errors = 0;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, Number(values.duration) * 1000));
const requests = count;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
running = false;
await Promise.all(loops);
await pool.close();
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ requests, seconds, rps: requests / seconds, cpuSeconds, errors })}\n`);
