// The loopback target: a 2-byte "ok" body over keep-alive HTTP/1.1 on 127.0.0.1.
//   node bench/target.mjs [--kind raw|http]
// Prints `READY <port>` on stdout once listening; exits when stdin closes (the parent died).
//
// `raw` (default) is a `net` server that answers every "\r\n\r\n" with a canned response: it only
// serves bodiless requests (GET), but costs a fraction of node:http per request, so on one core it
// stays ahead of the clients and the req/s figures measure the client, not the server.
// `http` is plain node:http, as in peers.md section 8.
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { kind: { type: 'string', default: 'raw' } } });

const BODY = 'ok';
const RESPONSE = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nKeep-Alive: timeout=120\r\n\r\n${BODY}`,
);
const END = Buffer.from('\r\n\r\n');

/** Counts request heads ("\r\n\r\n") in a byte stream whose chunks may split the terminator. */
function rawServer() {
  return net.createServer({ noDelay: true }, (socket) => {
    let tail = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      let n = 0;
      let from = 0;
      for (let i = buf.indexOf(END, from); i !== -1; i = buf.indexOf(END, from)) {
        n++;
        from = i + 4;
      }
      // Keep at most 3 bytes that could start a terminator split across chunks.
      tail = buf.length - from > 3 ? buf.subarray(buf.length - 3) : buf.subarray(from);
      if (n === 1) socket.write(RESPONSE);
      else if (n > 1) socket.write(Buffer.concat(Array(n).fill(RESPONSE)));
    });
    socket.on('error', () => socket.destroy());
  });
}

function httpServer() {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  return server;
}

if (values.kind !== 'raw' && values.kind !== 'http') throw new Error(`--kind must be raw or http, not ${values.kind}`);
const server = values.kind === 'raw' ? rawServer() : httpServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
