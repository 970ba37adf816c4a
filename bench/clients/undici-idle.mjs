// The memory floor of waiting users on undici: N undici Clients (the module Locusta's sessions
// use, loaded the same way, without the undici index), each with one keep-alive connection that
// answered one GET, then held idle, as N waiting Locusta users hold theirs. No users, statistics,
// timers or runner: what holding N connections with undici costs in one Node process. The
// Clients keep undici's own connector (Locusta's sessions share one for plain HTTP instead).
//   node bench/clients/undici-idle.mjs --url http://127.0.0.1:PORT --clients 10000 [--rate 2000]
// Prints "READY <n>" on stderr once every client has its response (then measure its RSS), and
// stays until killed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

// undici belongs to packages/http (style.md B.2); resolve the copy it uses instead of declaring it here.
const require = createRequire(new URL('../../packages/http/package.json', import.meta.url));
const undiciDir = dirname(require.resolve('undici'));
const Client = require(join(undiciDir, 'lib/dispatcher/client.js'));
// The undici index attaches request() to every dispatcher; without it, it is called on the Client.
const request = require(join(undiciDir, 'lib/api/api-request.js'));

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '2000' },
  },
});
if (!values.url) throw new Error('--url is required');
const n = Number(values.clients);
const rate = Number(values.rate);
if (!Number.isInteger(n) || n <= 0 || !(rate > 0)) throw new Error('--clients and --rate must be positive');

/** As Locusta's sessions: keep-alive held while the user waits (packages/http user-connections.ts). */
const OPTIONS = { keepAliveTimeout: 24 * 3600_000, keepAliveMaxTimeout: 24 * 3600_000, pipelining: 1 };
const held = [];
let answered = 0;
let failed = 0;

async function one() {
  const client = new Client(values.url, OPTIONS);
  held.push(client);
  try {
    const { body } = await request.call(client, { path: '/', method: 'GET' });
    await body.text();
    answered++;
  } catch (err) {
    if (failed++ === 0) process.stderr.write(`first failure: ${err}\n`);
  }
}

// Started at the given rate, in batches every 100 ms, as users are spawned.
const perBatch = Math.max(1, Math.round(rate / 10));
const pending = [];
for (let started = 0; started < n; started += perBatch) {
  for (let i = started; i < Math.min(n, started + perBatch); i++) pending.push(one());
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await Promise.all(pending);
process.stderr.write(`READY ${answered} answered, ${failed} failed\n`);
// Held until killed.
setInterval(() => {}, 1 << 30);
