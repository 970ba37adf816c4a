// HttpSession against a raw undici Pool, 32 concurrent loops each, on a loopback node:http
// server running in a child process (so the server does not share the client's core).
//
//   npm run build -w @locusta/core -w @locusta/http   (or tsc -p in both packages)
//   node packages/http/bench/session.bench.mjs [seconds=5] [rounds=2]
//
// Rounds alternate raw / session so load from elsewhere on the machine hits both alike; the
// best round of each is compared.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { Environment, Events } from '@locusta/core';
import { HttpUser } from '@locusta/http';
import { Pool } from 'undici';

if (process.argv[2] === 'server') {
  const body = Buffer.from('{"ok":true,"content":"hello"}');
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 2);
  const concurrency = 32;
  const child = fork(new URL(import.meta.url), ['server']);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const origin = `http://127.0.0.1:${port}`;

  const pool = new Pool(origin);
  const raw = async () => {
    const { body } = await pool.request({ origin, path: '/', method: 'GET' });
    await body.arrayBuffer();
  };

  const events = new Events();
  let recorded = 0;
  events.request.addListener(() => recorded++);
  const env = new Environment({ host: origin, events });
  class BenchUser extends HttpUser {}
  const users = Array.from({ length: concurrency }, () => new BenchUser(env));
  const loops = users.map((user) => () => user.client.get('/'));

  async function measure(label, fns) {
    // Warm up: open the connections and let the JIT settle.
    await Promise.all(fns.map(async (fn) => { for (let i = 0; i < 200; i++) await fn(); }));
    let count = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(fns.map(async (fn) => { while (performance.now() < end) { await fn(); count++; } }));
    const rps = count / ((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    // Client CPU per request is steadier than req/s when other processes share the machine.
    const usPerRequest = (cpu.user + cpu.system) / count;
    console.log(`${label.padEnd(12)} ${Math.round(rps)} req/s, ${usPerRequest.toFixed(1)} µs client CPU/request`);
    return { rps, usPerRequest };
  }

  const best = { raw: { rps: 0, usPerRequest: Infinity }, session: { rps: 0, usPerRequest: Infinity } };
  const keepBest = (kept, run) => ({ rps: Math.max(kept.rps, run.rps), usPerRequest: Math.min(kept.usPerRequest, run.usPerRequest) });
  for (let round = 0; round < rounds; round++) {
    best.raw = keepBest(best.raw, await measure('undici Pool', Array(concurrency).fill(raw)));
    best.session = keepBest(best.session, await measure('HttpSession', loops));
  }
  console.log(
    `ratio HttpSession / Pool: ${(best.session.rps / best.raw.rps).toFixed(2)} by req/s, ` +
      `${(best.raw.usPerRequest / best.session.usPerRequest).toFixed(2)} by client CPU per request ` +
      `(best of ${rounds} rounds, ${recorded} events)`,
  );
  for (const user of users) user.client.close();
  await pool.close();
  child.kill();
}
