// An nginx target beside bench/target.mjs (Debian's nginx-light): a Node target shares the
// clients' runtime limits, nginx does not. One process (`master_process off`), pinned like the
// Node target, answering every GET with the same 2-byte body over keep-alive. For many idle
// connections (bench/many-users.mjs) it listens on several loopback addresses and, when one
// process may not hold them all (its file-descriptor limit), runs several workers that share
// the listening sockets (`reuseport`: the kernel spreads new connections over them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { start } from './proc.mjs';

/** The nginx binary, or undefined when it is not installed. */
function nginxBinary() {
  for (const bin of ['/usr/sbin/nginx', 'nginx']) if (spawnSync(bin, ['-v']).status === 0) return bin;
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function listening(port, host, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, host, () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

/** The soft and hard limits on open files of this process (what nginx inherits). */
export function fileLimits() {
  const out = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const n = (s) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: n(out[0]), hard: n(out[1]) };
}

/** Connections one nginx process may hold: its file limit, less a margin for its own files. */
const FD_MARGIN = 200;

/**
 * Starts nginx on a free port of each of `addresses` (loopback) for at least `connections`
 * keep-alive connections; returns { child, port, hosts, workers } (stop it with proc.mjs stop).
 * Without `connections`, one process on 127.0.0.1 taking as many as its file limit allows (the
 * throughput rounds of run.mjs read that process's CPU; its memory runs need 10,000).
 */
export async function startNginx({ core, pin, addresses = ['127.0.0.1'], connections }) {
  const bin = nginxBinary();
  if (!bin) throw new Error('--server nginx needs nginx (apt-get install nginx-light)');
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  // Each process may raise its soft limit up to the hard one (worker_rlimit_nofile).
  const { hard } = fileLimits();
  const perProcess = Math.max(1024, Math.min(hard, 1_048_576) - 2 * FD_MARGIN);
  // Room for twice the connections: reuseport spreads them unevenly, and nginx closes idle
  // keep-alive connections when a worker runs out ("worker_connections are not enough").
  const workers = connections === undefined ? 1 : Math.ceil((2 * connections + 100) / perProcess);
  const perWorker = perProcess;
  const reuse = workers > 1 ? ' reuseport' : '';
  // A long accept queue: thousands of users connect within a second.
  const listen = addresses.map((a) => `    listen ${a}:${port}${reuse} backlog=65535;`).join('\n');
  writeFileSync(
    conf,
    `daemon off;
master_process ${workers > 1 ? 'on' : 'off'};
worker_processes ${workers};
worker_rlimit_nofile ${Math.min(perWorker + FD_MARGIN, hard)};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${perWorker}; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
${listen}
    location / { default_type text/plain; return 200 'ok'; }
  }
}
`,
  );
  const child = start(bin, ['-p', dir, '-c', conf], { core, pin, cwd: dir, stdin: 'pipe' });
  for (const host of addresses) await listening(port, host, 10_000);
  return { child, port, hosts: addresses.map((a) => `http://${a}:${port}`), workers };
}
