import { Environment, Events, User, constant, task } from '@locusta/core';
import { ExceptionStats, RequestStats } from '@locusta/stats';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Envelope, MasterMessage, WorkerMessage } from './protocol.ts';
import { decodeWorkerMessage, encode } from './protocol.ts';
import { StatsWireDecoder } from './stats-wire.ts';
import { WorkerRunner } from './worker-runner.ts';

class Idle extends User {
  waitTime = constant(100);
  @task t() {}
}

/** A stand-in master: records what the worker sends, and sends what the test says. */
async function fakeMaster() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  onTestFinished(() => server.close());
  const received: Envelope<WorkerMessage>[] = [];
  let socket!: WebSocket;
  const connected = new Promise<void>((resolve) =>
    server.once('connection', (ws) => {
      socket = ws;
      const wire = new StatsWireDecoder();
      ws.on('message', (frame: Buffer) => received.push(decodeWorkerMessage(frame, wire)));
      resolve();
    }),
  );
  const port = (server.address() as { port: number }).port;
  const send = (msg: MasterMessage) => socket.send(encode({ ...msg, nodeId: 'master' }));
  const next = async (type: WorkerMessage['type'], after: number) => {
    for (;;) {
      const found = received.slice(after).find((m) => m.type === type);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { port, connected, send, received, next };
}

describe('WorkerRunner', () => {
  it('applies spawns in timestamp order and drops stale ones (Locust case 37)', async () => {
    const master = await fakeMaster();
    const env = new Environment({ events: new Events(), userClasses: [Idle as never] });
    const worker = new WorkerRunner(env, new RequestStats(), new ExceptionStats(), {
      masterHost: '127.0.0.1',
      masterPort: master.port,
      version: 't',
      fileHash: 'h',
    });
    const done = worker.run();
    await master.connected;
    expect((await master.next('client_ready', 0)).data).toMatchObject({ protocol: 2, fileHash: 'h' });
    const spawn = (timestamp: number, users: number) =>
      master.send({ type: 'spawn', data: { timestamp, userClassesCount: { Idle: users }, host: null, stopTimeout: 0, parsedOptions: {} } });
    spawn(10, 10);
    await master.next('spawning_complete', 0);
    expect(worker.userCount).toBe(10);
    const mark = master.received.length;
    spawn(10, 2); // same timestamp: stale
    spawn(9, 2); // older: stale
    const ack = master.received.length;
    spawn(11, 2);
    const complete = await master.next('spawning_complete', ack);
    expect(complete.data).toEqual({ userClassesCount: { Idle: 2 }, userCount: 2 });
    // Every spawn, stale or not, is answered with `spawning`, as in Locust.
    expect(master.received.slice(mark).filter((m) => m.type === 'spawning')).toHaveLength(3);
    const beforeQuit = master.received.length;
    master.send({ type: 'quit', data: null });
    expect(await done).toBe(0);
    await master.next('quit', beforeQuit);
    // The last interval's statistics go out before the quit.
    const tail = master.received.slice(beforeQuit).map((m) => m.type).filter((t) => t !== 'heartbeat');
    expect(tail.slice(-2)).toEqual(['stats', 'quit']);
  });
});
