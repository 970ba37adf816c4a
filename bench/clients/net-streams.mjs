#!/usr/bin/env node
// The lowest floor of bench/llm-streams.mjs: N closed-loop streamed chat completions over bare
// `net` sockets, no HTTP parser at all: each read gets one clock read, and a body is over when a
// read ends with the chunked terminator. What a Node process pays per streamed token on this
// machine before any HTTP client: one socket read (a syscall) and one callback.
//   node bench/clients/net-streams.mjs URL STREAMS SECONDS
import net from 'node:net';

const [url, streams, seconds] = [new URL(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Count.' }], max_tokens: 50, stream: true, stream_options: { include_usage: true } });
const path = `${url.pathname.replace(/\/$/, '')}/chat/completions`;
const request = Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const END = Buffer.from('0\r\n\r\n');

for (let i = 0; i < streams; i++) {
  const socket = net.connect(Number(url.port), url.hostname);
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(request));
  socket.on('data', (chunk) => {
    performance.now();
    // The server never splits its last chunk from the terminator: a read ending with it ends the body.
    if (chunk.length >= END.length && chunk.indexOf(END, chunk.length - END.length) >= 0) socket.write(request);
  });
  socket.on('error', () => socket.destroy());
}
setTimeout(() => process.exit(0), seconds * 1000);
