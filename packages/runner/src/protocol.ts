/**
 * The master/worker wire protocol: every WebSocket binary frame holds one msgpackr-encoded
 * message `{ type, data, nodeId }`. Both sides import this module, so the message shapes are
 * one discriminated union. The codec uses msgpackr's defaults: no `sequential` records or shared
 * `structures`, because those make a message depend on earlier ones and break after a reconnect.
 */
import type { WindowOffsets } from '@locusta/core';
import { LocustaError, messageOf } from '@locusta/core';
import type { ExceptionsSnapshot, StatsSnapshot } from '@locusta/stats';
import { Packr } from 'msgpackr';
import type { ArrivalShare } from './arrival-executor.ts';
import { REPORT_LIMITS, classCounts, decodedStatsReport, statsReport } from './report-schema.ts';
import type { RunnerState } from './runner.ts';
import type { StatsWireDecoder, WireStats } from './stats-wire.ts';
import { RUNNER_STATES } from './runner.ts';
import type { Check } from './wire-schema.ts';
import { any, arrayOf, either, int, isPlainObject, nil, nullable, num, object, oneOf, optional, reason, record, str } from './wire-schema.ts';
import { MAX_LOG_LINE } from './worker-logs.ts';

/** Bumped on any incompatible change; a worker speaking another version is refused at connect. */
export const PROTOCOL_VERSION = 2;
/** Largest frame either side accepts. A stats report of 50 entries is a few tens of KB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Locust's WORKER_REPORT_INTERVAL: a worker sends its statistics this often. */
export const WORKER_REPORT_INTERVAL_MS = 3000;

export interface StatsReport {
  stats: StatsSnapshot;
  exceptions: ExceptionsSnapshot;
  userCount: number;
  userClassesCount: Record<string, number>;
  /** Extra keys listeners of `reportToMaster` added. */
  custom: Record<string, unknown>;
  /**
   * The last statistics reset (`reset` message) the worker had applied when it made this
   * report; the master drops a report made before a reset it sent (absent: none applied).
   */
  reset?: number;
}

/** Worker -> master. */
export type WorkerMessage =
  | { type: 'client_ready'; data: { protocol: number; version: string; host: string; fileHash: string } }
  | { type: 'heartbeat'; data: { state: RunnerState; cpu: number; memory: number } }
  | { type: 'stats'; data: StatsReport }
  | { type: 'spawning'; data: null }
  | { type: 'spawning_complete'; data: { userClassesCount: Record<string, number>; userCount: number } }
  | { type: 'client_stopped'; data: null }
  | { type: 'quit'; data: null }
  | { type: 'custom'; data: { type: string; data: unknown } }
  /** The worker's recent log lines, for the master's `/logs` (Locust's `logs`). */
  | { type: 'logs'; data: { lines: string[] } }
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
  /**
   * The measurement window (`--warmup`, `--cooldown`) as seconds from when the master sent
   * this: the worker judges its requests' start times by it, with its own clock.
   */
  window?: WindowOffsets;
}

/** Master -> worker. */
export type MasterMessage =
  | { type: 'ack'; data: { index: number } }
  | { type: 'refuse'; data: { reason: string } }
  | { type: 'spawn'; data: SpawnData }
  | { type: 'spawning_complete'; data: { userCount: number } }
  | { type: 'stop'; data: null }
  /**
   * The statistics were reset (`--reset-stats`, the web UI): requests that started before it
   * are left out wherever they end, and what the worker has not reported yet is dropped.
   * `seq` increases with each reset; the worker's reports name the last one it applied.
   */
  | { type: 'reset'; data: { seq: number } }
  | { type: 'quit'; data: null }
  | { type: 'heartbeat'; data: null }
  | { type: 'custom'; data: { type: string; data: unknown } }
  | { type: 'user_files'; data: { files: UserFileData[] } | { error: string } };

/** A worker's message as it sends it: statistics in their compact form (stats-wire.ts). */
export type SentWorkerMessage = Exclude<WorkerMessage, { type: 'stats' }> | { type: 'stats'; data: Omit<StatsReport, 'stats'> & { stats: WireStats } };

export type Envelope<T> = T & { nodeId: string };

// Stats reports carry their histogram buckets as packed bytes (packBuckets), which msgpack moves
// as one binary field instead of thousands of integers.
const packr = new Packr({ useRecords: false });

export function encode<T extends WorkerMessage | SentWorkerMessage | MasterMessage>(msg: Envelope<T>): Buffer {
  return packr.pack(msg);
}

/** Why a frame was refused; the receiver logs it and closes that connection. */
export class ProtocolError extends LocustaError {
  constructor(message: string) {
    super('LOCUSTA_ERR_PROTOCOL', message);
  }
  override get name(): string {
    return 'ProtocolError';
  }
}

/** Longest node id, class name, version or host string a peer may send. */
const ID_LENGTH = 256;

const clientReady = object({ protocol: int(0, 2 ** 31), version: str(64), host: str(ID_LENGTH), fileHash: str(128) });
const customMessage = object({ type: str(ID_LENGTH), data: any });

const WORKER_SCHEMAS: Record<WorkerMessage['type'], Check> = {
  client_ready: clientReady,
  heartbeat: object({ state: oneOf(...RUNNER_STATES), cpu: num(0, 100_000), memory: num(0, Number.MAX_SAFE_INTEGER) }),
  stats: statsReport,
  spawning: nil,
  spawning_complete: object({ userClassesCount: classCounts, userCount: int(0, REPORT_LIMITS.users) }),
  client_stopped: nil,
  quit: nil,
  custom: customMessage,
  logs: object({ lines: arrayOf(str(MAX_LOG_LINE), 500) }),
  user_files_request: object({ protocol: int(0, 2 ** 31) }),
};

const rateStage = object({ duration: num(0), rate: num(0) });
const arrivalShare = object<{ index: number; count: number }>(
  {
    plan: object({ rate: num(0), stages: arrayOf(rateStage, 10_000), spacing: oneOf('even', 'poisson', 'gamma'), burstiness: optional(num(Number.MIN_VALUE)), seed: num(-Number.MAX_VALUE) }),
    index: int(0),
    count: int(1),
    maxUsers: int(0, REPORT_LIMITS.users),
    elapsed: num(0),
  },
  (a) => (a.index < a.count ? undefined : `index ${a.index} is not below count ${a.count}`),
);

const MASTER_SCHEMAS: Record<MasterMessage['type'], Check> = {
  ack: object({ index: int(0) }),
  refuse: object({ reason: str(4096) }),
  spawn: object({
    timestamp: num(0),
    userClassesCount: classCounts,
    host: nullable(str(8192)),
    stopTimeout: num(0),
    parsedOptions: record(any, 10_000),
    arrivals: nullable(arrivalShare),
    window: nullable(object({ warmupEnd: nullable(num(-1e9, 1e9)), cooldownStart: nullable(num(-1e9, 1e9)), warmupRequests: nullable(int(0, 2 ** 31)) })),
  }),
  spawning_complete: object({ userCount: int(0) }),
  stop: nil,
  reset: object({ seq: int(1, 2 ** 31) }),
  quit: nil,
  heartbeat: nil,
  custom: customMessage,
  user_files: either(
    object({ error: str(65_536) }),
    object({ files: arrayOf(object({ name: str(4096, 1), contents: str(MAX_MESSAGE_BYTES) }), 10_000) }),
  ),
};

function decodeWith<T>(frame: Buffer, schemas: Record<string, Check>, wire?: StatsWireDecoder): Envelope<T> {
  if (frame.length > MAX_MESSAGE_BYTES) throw new ProtocolError(`message of ${frame.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`);
  let msg: unknown;
  try {
    msg = packr.unpack(frame);
  } catch (err) {
    throw new ProtocolError(`undecodable message: ${messageOf(err)}`);
  }
  if (!isPlainObject(msg) || typeof msg['type'] !== 'string' || typeof msg['nodeId'] !== 'string') throw new ProtocolError('malformed message: no type or nodeId');
  if (msg['nodeId'].length === 0 || msg['nodeId'].length > ID_LENGTH) throw new ProtocolError(`malformed message: a node id of ${msg['nodeId'].length} characters`);
  let check = Object.hasOwn(schemas, msg['type']) ? schemas[msg['type']] : undefined;
  if (!check) throw new ProtocolError(`unknown message type '${msg['type'].slice(0, 40)}'`);
  // Statistics decoded from the compact form carry the failure keys the decoder computed itself.
  if (msg['type'] === 'stats' && expandStats(msg['data'], wire)) check = decodedStatsReport;
  const why = check(msg['data']);
  if (why !== undefined) throw new ProtocolError(`malformed '${msg['type']}' message: ${reason(why)}`);
  return msg as Envelope<T>;
}

/**
 * A compact report's statistics (StatsWireEncoder's) made plain in place, with the string table
 * of the connection it came on, so the plain form's checks judge them; true if they were compact.
 * Plain ones pass as they are.
 */
function expandStats(data: unknown, wire: StatsWireDecoder | undefined): boolean {
  if (!isPlainObject(data) || !isPlainObject(data['stats']) || !Array.isArray(data['stats']['total'])) return false;
  if (!wire) throw new ProtocolError("malformed 'stats' message: compact statistics outside a worker connection");
  const plain = wire.decode(data['stats']);
  if (typeof plain === 'string') throw new ProtocolError(`malformed 'stats' message: ${plain}`);
  data['stats'] = plain;
  return true;
}

/**
 * Decodes and validates a frame a worker sent; throws ProtocolError. `wire` is the string table
 * of the connection it came on, which compact statistics refer to (one per connection).
 */
export function decodeWorkerMessage(frame: Buffer, wire?: StatsWireDecoder): Envelope<WorkerMessage> {
  return decodeWith<WorkerMessage>(frame, WORKER_SCHEMAS, wire);
}

/** Decodes and validates a frame the master sent; throws ProtocolError. */
export function decodeMasterMessage(frame: Buffer): Envelope<MasterMessage> {
  return decodeWith<MasterMessage>(frame, MASTER_SCHEMAS);
}
