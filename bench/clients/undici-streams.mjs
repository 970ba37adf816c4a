#!/usr/bin/env node
// The floor of bench/llm-streams.mjs: N closed-loop streamed chat completions with a bare undici
// Pool, each body read chunk by chunk with one clock read and nothing else (no SSE, no JSON, no
// statistics). What Node and undici alone cost per streamed token on this machine.
//   node bench/clients/undici-streams.mjs URL STREAMS SECONDS
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The undici Locusta's http package uses (as clients/undici-pool.mjs does).
const require = createRequire(new URL('../../packages/http/package.json', import.meta.url));
const { Pool } = await import(pathToFileURL(require.resolve('undici')).href);

const [url, streams, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const base = new URL(url);
const pool = new Pool(base.origin, { connections: streams });
const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Count.' }], max_tokens: 50, stream: true, stream_options: { include_usage: true } });
let stop = false;
async function loop() {
  while (!stop) {
    const res = await pool.request({ path: `${base.pathname.replace(/\/$/, '')}/chat/completions`, method: 'POST', body, headers: { 'content-type': 'application/json' } });
    for await (const chunk of res.body) if (chunk.length > 0) performance.now();
  }
}
for (let i = 0; i < streams; i++) void loop();
setTimeout(() => {
  stop = true;
  // Streams still open end with the process.
  setTimeout(() => process.exit(0), 1500).unref();
  void pool.close();
}, seconds * 1000);
