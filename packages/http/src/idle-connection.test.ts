import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { userFor } from '../test-support/user-for.ts';

/**
 * A keep-alive server that, like nginx, announces no idle timeout (no `Keep-Alive` header);
 * it counts the connections it accepted and those the client closed.
 */
async function silentKeepAliveServer() {
  const seen = { opened: 0, closed: 0 };
  const server = net.createServer((socket) => {
    seen.opened++;
    socket.on('data', (chunk) => {
      if (chunk.includes('\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    socket.on('end', () => seen.closed++);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as net.AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, seen };
}

describe('idle keep-alive connections', () => {
  it('stay open while the user waits, past the 4 s undici closes them after by default', async () => {
    const { origin, seen } = await silentKeepAliveServer();
    const { client } = userFor(origin);
    expect((await client.get('/')).status).toBe(200);
    // Longer than undici's default keepAliveTimeout (4 s), which closed them against such a server.
    await sleep(5_000);
    expect(seen.closed).toBe(0);
    expect((await client.get('/')).status).toBe(200);
    expect(seen).toEqual({ opened: 1, closed: 0 });
  }, 20_000);
});
