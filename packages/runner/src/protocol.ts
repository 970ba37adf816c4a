/**
 * The master/worker wire protocol: every WebSocket binary frame holds one msgpackr-encoded
 * message `{ type, data, nodeId }`. Both sides import this module, so the message shapes are
 * one discriminated union. The codec uses msgpackr's defaults: no `sequential` records or shared
 * `structures`, because those make a message depend on earlier ones and break after a reconnect.
 */
import type { ExceptionsSnapshot, StatsSnapshot } from '@locusta/stats';
import { Packr } from 'msgpackr';
import type { ArrivalShare } from './arrival-executor.ts';

/** Bumped on any incompatible change; a worker speaking another version is refused at connect. */
export const PROTOCOL_VERSION = 1;
/** Largest frame either side accepts. A stats report of 50 entries is a few tens of KB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export type WorkerState = 'ready' | 'spawning' | 'running' | 'stopping' | 'stopped' | 'missing';

export interface StatsReport {
  stats: StatsSnapshot;
  exceptions: ExceptionsSnapshot;
  userCount: number;
  userClassesCount: Record<string, number>;
  /** Extra keys listeners of `reportToMaster` added. */
  custom: Record<string, unknown>;
}

/** Worker -> master. */
export type WorkerMessage =
  | { type: 'client_ready'; data: { protocol: number; version: string; host: string; fileHash: string } }
  | { type: 'heartbeat'; data: { state: WorkerState; cpu: number; memory: number } }
  | { type: 'stats'; data: StatsReport }
  | { type: 'spawning'; data: null }
  | { type: 'spawning_complete'; data: { userClassesCount: Record<string, number>; userCount: number } }
  | { type: 'client_stopped'; data: null }
  | { type: 'quit'; data: null }
  | { type: 'custom'; data: { type: string; data: unknown } }
  /** `-f -`: a worker without its own user file asks for the master's (on a connection of its own). */
  | { type: 'user_files_request'; data: { protocol: number } };

/** The file hash a `-f -` worker reports: it runs the master's files, so there is nothing to compare. */
export const FROM_MASTER = 'from-master';

/** A user file as the master sends it: bundled (npm packages included), importing only 'locusta'. */
export interface UserFileData {
  name: string;
  contents: string;
}

export interface SpawnData {
  /** Master's clock, increasing; a worker ignores a spawn not newer than the last one. */
  timestamp: number;
  /** Absolute users per class for this worker. */
  userClassesCount: Record<string, number>;
  host: string | null;
  stopTimeout: number;
  parsedOptions: Record<string, unknown>;
  /** Arrival-rate mode: this worker's share of the arrivals (userClassesCount is then empty). */
  arrivals?: ArrivalShare;
}

/** Master -> worker. */
export type MasterMessage =
  | { type: 'ack'; data: { index: number } }
  | { type: 'refuse'; data: { reason: string } }
  | { type: 'spawn'; data: SpawnData }
  | { type: 'spawning_complete'; data: { userCount: number } }
  | { type: 'stop'; data: null }
  | { type: 'quit'; data: null }
  | { type: 'heartbeat'; data: null }
  | { type: 'custom'; data: { type: string; data: unknown } }
  | { type: 'user_files'; data: { files: UserFileData[] } | { error: string } };

export type Envelope<T> = T & { nodeId: string };

// Stats reports carry their histogram buckets as packed bytes (packBuckets), which msgpack moves
// as one binary field instead of thousands of integers.
const packr = new Packr({ useRecords: false });

export function encode<T extends WorkerMessage | MasterMessage>(msg: Envelope<T>): Buffer {
  return packr.pack(msg);
}

/** Why a frame was refused; the receiver logs it and closes that connection. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

type Check = (data: unknown) => boolean;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isCounts = (v: unknown) => isObj(v) && Object.values(v).every((n) => isNum(n) && n >= 0);
const isNull = (v: unknown) => v === null || v === undefined;
const isShare = (v: unknown) =>
  isObj(v) &&
  isObj(v['plan']) &&
  isNum(v['plan']['rate']) &&
  Array.isArray(v['plan']['stages']) &&
  isNum(v['index']) &&
  isNum(v['count']) &&
  v['index'] >= 0 &&
  v['index'] < v['count'] &&
  isNum(v['maxUsers']) &&
  isNum(v['elapsed']);

const WORKER_CHECKS: Record<WorkerMessage['type'], Check> = {
  client_ready: (d) => isObj(d) && isNum(d['protocol']) && isStr(d['version']) && isStr(d['host']) && isStr(d['fileHash']),
  heartbeat: (d) => isObj(d) && isStr(d['state']) && isNum(d['cpu']) && isNum(d['memory']),
  stats: (d) =>
    isObj(d) &&
    isObj(d['stats']) &&
    Array.isArray((d['stats'] as Record<string, unknown>)['entries']) &&
    isObj(d['exceptions']) &&
    isNum(d['userCount']) &&
    isCounts(d['userClassesCount']),
  spawning: isNull,
  spawning_complete: (d) => isObj(d) && isCounts(d['userClassesCount']) && isNum(d['userCount']),
  client_stopped: isNull,
  quit: isNull,
  custom: (d) => isObj(d) && isStr(d['type']),
  user_files_request: (d) => isObj(d) && isNum(d['protocol']),
};

const MASTER_CHECKS: Record<MasterMessage['type'], Check> = {
  ack: (d) => isObj(d) && isNum(d['index']),
  refuse: (d) => isObj(d) && isStr(d['reason']),
  spawn: (d) =>
    isObj(d) &&
    isNum(d['timestamp']) &&
    isCounts(d['userClassesCount']) &&
    isNum(d['stopTimeout']) &&
    isObj(d['parsedOptions']) &&
    (isNull(d['arrivals']) || isShare(d['arrivals'])),
  spawning_complete: (d) => isObj(d) && isNum(d['userCount']),
  stop: isNull,
  quit: isNull,
  heartbeat: isNull,
  custom: (d) => isObj(d) && isStr(d['type']),
  user_files: (d) =>
    isObj(d) &&
    (isStr(d['error']) ||
      (Array.isArray(d['files']) && d['files'].every((f) => isObj(f) && isStr(f['name']) && isStr(f['contents'])))),
};

function decodeWith<T>(frame: Buffer, checks: Record<string, Check>): Envelope<T> {
  if (frame.length > MAX_MESSAGE_BYTES) throw new ProtocolError(`message of ${frame.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`);
  let msg: unknown;
  try {
    msg = packr.unpack(frame);
  } catch (err) {
    throw new ProtocolError(`undecodable message: ${(err as Error).message}`);
  }
  if (!isObj(msg) || !isStr(msg['type']) || !isStr(msg['nodeId'])) throw new ProtocolError('malformed message: no type or nodeId');
  const check = Object.hasOwn(checks, msg['type']) ? checks[msg['type']] : undefined;
  if (!check) throw new ProtocolError(`unknown message type '${msg['type'].slice(0, 40)}'`);
  if (!check(msg['data'])) throw new ProtocolError(`malformed '${msg['type']}' message`);
  return msg as Envelope<T>;
}

/** Decodes and validates a frame a worker sent; throws ProtocolError. */
export function decodeWorkerMessage(frame: Buffer): Envelope<WorkerMessage> {
  return decodeWith<WorkerMessage>(frame, WORKER_CHECKS);
}

/** Decodes and validates a frame the master sent; throws ProtocolError. */
export function decodeMasterMessage(frame: Buffer): Envelope<MasterMessage> {
  return decodeWith<MasterMessage>(frame, MASTER_CHECKS);
}
