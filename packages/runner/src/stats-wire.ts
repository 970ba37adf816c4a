/**
 * The compact form in which a worker's statistics travel to the master.
 *
 * A report of 50 entries as plain objects was 57 KB, most of it what repeats in every report:
 * field names, request names, error texts, and the Aggregated histogram, which is only the sum
 * of the entries' ones. Here an entry is a tuple, every string is sent once per connection and
 * then by its number in a table both ends build the same way, the total's histogram is left
 * out (the master's merge adds the entries' buckets up: RequestStats.merge), and histograms are
 * packBuckets' bytes. The master turns a compact report back into the plain StatsSnapshot before
 * validating it, so every check and the merge see what the worker serialized (the total's
 * histogram null: the sum of the entries'; buckets packed, which the checks and the merge read).
 *
 * The tables live as long as one WebSocket connection: a worker makes a new encoder for every
 * connection and the master a new decoder for every connection it accepts, so a reconnect
 * starts both from empty (shared state that outlives a connection is what breaks msgpackr's
 * `structures` on a reconnect).
 */
import type { StatsEntrySnapshot, StatsErrorSnapshot, StatsSnapshot } from '@locusta/stats';
import { errorKey, packBuckets } from '@locusta/stats';

/** A string: its number in the connection's table, or the text itself (added to the table if it fits). */
type Ref = number | string;

/**
 * name, method, numRequests, numNoneRequests, numFailures, totalResponseTime, minResponseTime,
 * maxResponseTime, totalContentLength, startTime (null: the total's), lastRequestTimestamp,
 * numReqsPerSec, numFailPerSec (flat: seconds since the previous one, the first since the
 * report's start, each followed by its count), histogram (packed; null for the total).
 */
export type WireEntry = [Ref, Ref, number, number, number, number, number | null, number, number, number | null, number | null, number[], number[], Uint8Array | null];

/** method, name, error, occurrences, firstSeen, lastSeen (the key is the master's to compute). */
type WireFailure = [Ref, Ref, Ref, number, number, number];

export interface WireStats {
  entries: WireEntry[];
  total: WireEntry;
  errors: WireFailure[];
  schedule?: StatsSnapshot['schedule'];
  corrected?: WireStats;
}

/**
 * Strings the table takes: at most this many, each at most this long; the rest always travel as
 * text. A master keeps one table per worker connection, so the bound is what a user file that
 * makes a new request name per request (a common mistake) can cost it: 2,000 workers x 10,000
 * strings. A report names at most 10,000 entries anyway.
 */
const TABLE_SIZE = 10_000;
const TABLE_STRING_LENGTH = 1_024;

const takes = (size: number, s: string): boolean => size < TABLE_SIZE && s.length <= TABLE_STRING_LENGTH;

/** A worker connection's side: turns StatsRequest.serialize() into the compact form. */
export class StatsWireEncoder {
  readonly #table = new Map<string, number>();

  encode(s: StatsSnapshot): WireStats {
    // Strings enter the table in the order the decoder reads them: the total, entries, errors, corrected.
    const total = this.#entry(s.total, Number.NaN, false, s.total.startTime);
    const out: WireStats = {
      total,
      entries: s.entries.map((e) => this.#entry(e, s.total.startTime, true)),
      errors: s.errors.map((e) => [this.#ref(e.method), this.#ref(e.name), this.#ref(e.error), e.occurrences, e.firstSeen, e.lastSeen]),
    };
    if (s.schedule) out.schedule = { ...s.schedule, lag: packed(s.schedule.lag) };
    if (s.corrected) out.corrected = this.encode(s.corrected);
    return out;
  }

  #entry(e: StatsEntrySnapshot, totalStart: number, withHistogram: boolean, start = totalStart): WireEntry {
    // Seconds count from the report's start: a one-byte number instead of a five-byte one.
    const base = Math.floor(start);
    return [
      this.#ref(e.name),
      this.#ref(e.method),
      e.numRequests,
      e.numNoneRequests,
      e.numFailures,
      e.totalResponseTime,
      e.minResponseTime,
      e.maxResponseTime,
      e.totalContentLength,
      e.startTime === totalStart ? null : e.startTime,
      e.lastRequestTimestamp,
      flatSeconds(e.numReqsPerSec, base),
      flatSeconds(e.numFailPerSec, base),
      // serialize() always gives an entry its histogram.
      withHistogram ? packed(e.histogram ?? []) : null,
    ];
  }

  #ref(s: string): Ref {
    const id = this.#table.get(s);
    if (id !== undefined) return id;
    if (takes(this.#table.size, s)) this.#table.set(s, this.#table.size);
    return s;
  }
}

/** A master connection's side: turns a compact report back into a plain StatsSnapshot. */
export class StatsWireDecoder {
  readonly #table: string[] = [];
  /**
   * Failure keys (a SHA-256 each) of the groups named by table numbers, computed once per
   * connection: a worker sends the same groups in every report. At most TABLE_SIZE of them.
   */
  readonly #keys = new Map<number, string>();

  /** The plain snapshot, or why the compact form is broken (the plain one is validated after). */
  decode(w: unknown): StatsSnapshot | string {
    try {
      return this.#stats(w, 'stats');
    } catch (err) {
      if (err instanceof CompactFormError) return err.message;
      throw err;
    }
  }

  #stats(w: unknown, at: string): StatsSnapshot {
    if (typeof w !== 'object' || w === null) throw new CompactFormError(`${at}: expected a compact report`);
    const v = w as Record<string, unknown>;
    const total = this.#entry(v['total'], `${at}.total`, undefined);
    const start = total.startTime;
    if (typeof start !== 'number') throw new CompactFormError(`${at}.total.startTime: expected a number`);
    const entries = list(v['entries'], `${at}.entries`).map((e, i) => this.#entry(e, `${at}.entries[${i}]`, start));
    const errors = list(v['errors'], `${at}.errors`).map((e, i) => this.#error(e, `${at}.errors[${i}]`));
    const out: StatsSnapshot = { entries, total, errors };
    if (v['schedule'] !== undefined) out.schedule = v['schedule'] as StatsSnapshot['schedule'];
    if (v['corrected'] !== undefined) out.corrected = this.#stats(v['corrected'], `${at}.corrected`);
    return out;
  }

  /** An entry; `totalStart` is the report's start (undefined for the total itself, which carries it). */
  #entry(t: unknown, at: string, totalStart: number | undefined): StatsEntrySnapshot {
    const a = list(t, at);
    if (a.length !== 14) throw new CompactFormError(`${at}: expected 14 fields, got ${a.length}`);
    const start = a[9] ?? totalStart;
    if (typeof start !== 'number') throw new CompactFormError(`${at}.startTime: expected a number`);
    const base = Math.floor(totalStart ?? start);
    const histogram = a[13];
    if (histogram !== null && !(histogram instanceof Uint8Array)) throw new CompactFormError(`${at}.histogram: expected packed bytes`);
    // Field types are the plain snapshot's checks' to judge; only the shapes built here are checked here.
    return {
      name: this.#string(a[0], `${at}.name`),
      method: this.#string(a[1], `${at}.method`),
      numRequests: a[2] as number,
      numNoneRequests: a[3] as number,
      numFailures: a[4] as number,
      totalResponseTime: a[5] as number,
      minResponseTime: a[6] as number | null,
      maxResponseTime: a[7] as number,
      totalContentLength: a[8] as number,
      startTime: start,
      lastRequestTimestamp: a[10] as number | null,
      numReqsPerSec: pairedSeconds(a[11], `${at}.numReqsPerSec`, base),
      numFailPerSec: pairedSeconds(a[12], `${at}.numFailPerSec`, base),
      histogram,
    };
  }

  #error(t: unknown, at: string): StatsErrorSnapshot {
    const a = list(t, at);
    if (a.length !== 6) throw new CompactFormError(`${at}: expected 6 fields, got ${a.length}`);
    const method = this.#string(a[0], `${at}.method`);
    const name = this.#string(a[1], `${at}.name`);
    const error = this.#string(a[2], `${at}.error`);
    return { method, name, error, key: this.#key(a[0], a[1], a[2], method, name, error), occurrences: a[3] as number, firstSeen: a[4] as number, lastSeen: a[5] as number };
  }

  /** errorKey(method, name, error); `refs` as sent, valid (the strings were read from them). */
  #key(m: unknown, n: unknown, e: unknown, method: string, name: string, error: string): string {
    if (typeof m !== 'number' || typeof n !== 'number' || typeof e !== 'number') return errorKey(method, name, error);
    // Table numbers are below TABLE_SIZE: one exact integer (< 10^12) names the three.
    const id = (m * TABLE_SIZE + n) * TABLE_SIZE + e;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = errorKey(method, name, error);
      if (this.#keys.size < TABLE_SIZE) this.#keys.set(id, key);
    }
    return key;
  }

  #string(ref: unknown, at: string): string {
    if (typeof ref === 'string') {
      if (takes(this.#table.length, ref)) this.#table.push(ref);
      return ref;
    }
    if (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0 && ref < this.#table.length) return this.#table[ref]!;
    throw new CompactFormError(`${at}: ${String(ref).slice(0, 40)} is neither a string nor a number in the connection's table (${this.#table.length} strings)`);
  }
}

class CompactFormError extends Error {}

/**
 * Buckets as packBuckets' bytes. A snapshot the master decoded keeps its buckets packed, so one
 * encoded again (a report relayed or recorded) passes them on as they are: packing bytes as if
 * they were an [index, count] list would make other buckets of them.
 */
function packed(buckets: ArrayLike<number>): Uint8Array {
  return buckets instanceof Uint8Array ? buckets : packBuckets(buckets);
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new CompactFormError(`${at}: expected an array`);
  return v;
}

function flatSeconds(pairs: ReadonlyArray<readonly [number, number]>, base: number): number[] {
  const out: number[] = [];
  let previous = base;
  for (const [second, n] of pairs) {
    out.push(second - previous, n);
    previous = second;
  }
  return out;
}

/** [second, count] pairs from flatSeconds' list; order and counts are the plain checks' to judge. */
function pairedSeconds(v: unknown, at: string, base: number): Array<[number, number]> {
  const flat = list(v, at);
  if (flat.length % 2 !== 0) throw new CompactFormError(`${at}: an odd number (${flat.length}) of numbers`);
  const out: Array<[number, number]> = [];
  let second = base;
  for (let i = 0; i < flat.length; i += 2) {
    const d = flat[i];
    if (typeof d !== 'number') throw new CompactFormError(`${at}[${i}]: expected a number`);
    second += d;
    out.push([second, flat[i + 1] as number]);
  }
  return out;
}
