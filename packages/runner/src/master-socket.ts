import { WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from './protocol.ts';

/** A WebSocket to the master: `ws://`, or `wss://` when TLS is on, with the token if any. */
export function openMasterSocket(o: { masterHost: string; masterPort: number; token?: string; tls?: { ca?: Buffer } }): WebSocket {
  const host = o.masterHost.includes(':') ? `[${o.masterHost}]` : o.masterHost;
  return new WebSocket(`${o.tls ? 'wss' : 'ws'}://${host}:${o.masterPort}/`, {
    maxPayload: MAX_MESSAGE_BYTES,
    headers: o.token ? { authorization: `Bearer ${o.token}` } : {},
    handshakeTimeout: 5000,
    ...(o.tls?.ca ? { ca: o.tls.ca } : {}),
  });
}
