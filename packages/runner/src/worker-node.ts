import type { WebSocket } from 'ws';
import type { RunnerState } from './runner.ts';

/** Locust's HEARTBEAT_LIVENESS: missed heartbeats (1 s apart) before a worker counts as missing. */
export const HEARTBEAT_LIVENESS = 3;

/** What the master knows of one worker. */
export interface WorkerNode {
  readonly id: string;
  /** Stable for the master's lifetime, also across reconnects (Locust's ack index). */
  readonly index: number;
  ws: WebSocket | undefined;
  state: RunnerState;
  /** Counts down once a second; reset by each heartbeat. Below 0: missing. */
  heartbeat: number;
  cpu: number;
  memory: number;
  userCount: number;
  userClassesCount: Record<string, number>;
  cpuWarned: boolean;
  host: string;
  /** The last statistics reset sent to this worker: its reports made before applying it are dropped. */
  resetSent: number;
}

/** A worker the run lost, for the log and the final summary. */
export interface LostWorker {
  id: string;
  at: number;
  reason: string;
}
