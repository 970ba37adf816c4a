// An nginx target beside bench/target.mjs (Debian's nginx-light): a Node target shares the
// clients' runtime limits, nginx does not. One process (`master_process off`), pinned like the
// Node target, answering every GET with the same 2-byte body over keep-alive.
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

async function listening(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts nginx on a free loopback port; returns { child, port } (stop it with proc.mjs stop). */
export async function startNginx({ core, pin }) {
  const bin = nginxBinary();
  if (!bin) throw new Error('--server nginx needs nginx (apt-get install nginx-light)');
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 'ok'; }
  }
}
`,
  );
  const child = start(bin, ['-p', dir, '-c', conf], { core, pin, cwd: dir, stdin: 'pipe' });
  await listening(port, 10_000);
  return { child, port };
}
