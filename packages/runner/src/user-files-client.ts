import { messageOf } from '@locusta/core';
import type { UserFileData } from './protocol.ts';
import { PROTOCOL_VERSION, decodeMasterMessage, encode } from './protocol.ts';
import { openMasterSocket } from './master-socket.ts';

/**
 * Fetches the master's user files for a worker started with `-f -`, retrying every second until
 * the master answers or `timeoutMs` passes (a worker may start before its master).
 */
export async function fetchUserFiles(options: {
  masterHost: string;
  masterPort: number;
  token?: string;
  tls?: { ca?: Buffer };
  nodeId: string;
  timeoutMs?: number;
}): Promise<UserFileData[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      return await attempt(options);
    } catch (err) {
      lastError = messageOf(err);
      if (/refused the token|master has no user files|protocol/.test(lastError)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  throw new Error(`Could not get the user files from the master at ${options.masterHost}:${options.masterPort}: ${lastError}`);
}

function attempt(o: { masterHost: string; masterPort: number; token?: string; tls?: { ca?: Buffer }; nodeId: string }): Promise<UserFileData[]> {
  return new Promise((resolve, reject) => {
    const ws = openMasterSocket(o);
    const fail = (err: Error) => {
      ws.terminate();
      reject(err);
    };
    ws.on('unexpected-response', (_req, res) =>
      fail(new Error(res.statusCode === 401 ? 'the master refused the token' : `HTTP ${res.statusCode}`)),
    );
    ws.on('error', fail);
    ws.on('open', () => ws.send(encode({ type: 'user_files_request', data: { protocol: PROTOCOL_VERSION }, nodeId: o.nodeId })));
    ws.on('message', (frame: Buffer) => {
      try {
        const msg = decodeMasterMessage(frame);
        if (msg.type !== 'user_files') return;
        ws.close();
        if ('error' in msg.data) reject(new Error(msg.data.error));
        else resolve(msg.data.files);
      } catch (err) {
        fail(err as Error);
      }
    });
  });
}
