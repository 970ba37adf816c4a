import type { JsHistogram } from 'hdr-histogram-js';
import { requireHdr, valueAtIndex } from './histogram.ts';

// The JS codec alone (see histogram.ts for why not the main entry): loading it installs
// JsHistogram.prototype.encodeIntoCompressedBase64.
requireHdr('hdr-histogram-js/dist/JsHistogram.encoding.js');

// The standard HdrHistogram V2 compressed encoding (deflate + base64), so a snapshot can also be
// read by any HdrHistogram tool (Java, Go, Rust, HistogramLogAnalyzer). A string travels through
// JSON and msgpack unchanged. Empty histograms are sent as null to skip the deflate.

/** Encodes a histogram, or null when it holds no samples. */
export function encodeHistogram(h: JsHistogram): string | null {
  return h.totalCount === 0 ? null : (h as JsHistogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

/**
 * The non-zero buckets of a histogram as a flat list `[index, count, index, count, ...]`, in
 * index order (the 3-digit layout of createHistogram). This is how worker reports carry their
 * histograms: a master merges hundreds of reports a second, and adding buckets by index needs no
 * decompression and no histogram allocated per entry (decoding the standard compressed form cost
 * about 10 ms a report of 50 entries).
 */
export function toBuckets(h: JsHistogram): number[] {
  const out: number[] = [];
  if (h.totalCount === 0) return out;
  const last = Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
  for (let i = 0; i <= last; i++) {
    const c = h.getCountAtIndex(i);
    if (c !== 0) out.push(i, c);
  }
  return out;
}

/**
 * Buckets packed for the wire. A worker's interval histogram is mostly buckets of count 1 a few
 * indices apart (in a 50-entry report, 95 % of buckets hold one sample and half the gaps are
 * under 9), so each bucket gets a 4-bit code: 1-15 is "the next bucket is that many indices
 * on, with a count of 1", 0 sends it in full after the codes. The layout: a varint of the
 * number of buckets N, then ceil(N / 2) bytes of codes (two per byte, the even bucket's in the
 * low half), then for each code 0, a varint of (index - previous index) * 2 + (count > 1) and,
 * for a count above 1, a varint of count - 2. A bucket costs under a byte on average (it cost
 * two as varint pairs), and a master reads it with shifts and masks, no bit streams.
 */
export function packBuckets(buckets: ArrayLike<number>): Uint8Array {
  const n = buckets.length / 2;
  const codesAt = varintLength(n);
  const out = new Uint8Array(codesAt + Math.ceil(n / 2) + n * 10);
  putVarint(out, 0, n);
  let at = codesAt + Math.ceil(n / 2);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const index = buckets[2 * i] ?? 0;
    const count = buckets[2 * i + 1] ?? 0;
    const gap = index - previous;
    previous = index;
    if (count === 1 && gap >= 1 && gap <= 15) {
      out[codesAt + (i >> 1)]! |= i % 2 === 0 ? gap : gap << 4;
      continue;
    }
    at = putVarint(out, at, gap * 2 + (count === 1 ? 0 : 1));
    if (count !== 1) at = putVarint(out, at, count - 2);
  }
  return out.subarray(0, at);
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Writes v as a LEB128 varint at `at`; returns where the next byte goes. */
function putVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}

/** The flat `[index, count, ...]` list of packed buckets; throws on a broken encoding. */
export function unpackBuckets(bytes: Uint8Array): number[] {
  const read = unpackPastKept(bytes);
  if (typeof read === 'string') throw new RangeError(`invalid packed buckets: ${read}`);
  return Array.from(read);
}

/**
 * The flat `[index, count, ...]` list of a snapshot's buckets, to add somewhere at once: a list is
 * returned as it is; packed bytes are unpacked into a buffer this module reuses, so the view is
 * valid only until the next call. A master merges thousands of histograms a second: a list
 * allocated for each was most of its garbage. Throws on a broken encoding.
 */
export function bucketList(v: ArrayLike<number>): ArrayLike<number> {
  if (!(v instanceof Uint8Array)) return v;
  const kept = takeKept(v);
  if (kept !== undefined) return kept;
  const read = unpackPastKept(v);
  if (typeof read === 'string') throw new RangeError(`invalid packed buckets: ${read}`);
  return read;
}

/** Adds a flat `[index, count, ...]` list (toBuckets, unpackBuckets) into a histogram of the same layout. */
export function addBuckets(h: JsHistogram, buckets: ArrayLike<number>): void {
  if (buckets.length === 0) return;
  const n = buckets.length;
  const lastIndex = buckets[n - 2]!;
  // valueAtIndex, not the library's valueFromIndex: the same value by shifts, without a pow.
  const lastValue = valueAtIndex(h, lastIndex);
  if (lastIndex >= h.countsArrayLength) h.resize(h.highestEquivalentValue(lastValue));
  let total = 0;
  for (let i = 0; i < n; i += 2) {
    const c = buckets[i + 1]!;
    h.addToCountAtIndex(buckets[i]!, c);
    total += c;
  }
  h.addToTotalCount(total);
  h.updateMinAndMax(valueAtIndex(h, buckets[0]!));
  h.updateMinAndMax(lastValue);
}

// The layout of createHistogram() (3 significant digits, lowest discernible value 1): bucket
// `b` holds 1024 sub-buckets of width 2^b, so the index of a value is computable without a
// histogram at hand. A receiver uses it to check that buckets agree with a report's min and max.
const HALF_COUNT_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_COUNT_MAGNITUDE;

/** The bucket index of `us` (integer µs >= 0) in a createHistogram() histogram. */
export function bucketIndexOf(us: number): number {
  // Below 2^31 by shifts: a master checks two of these per entry of every report, and ** is a
  // software pow.
  if (us < 0x80000000) {
    const bucket = Math.max(31 - Math.clz32(us) - HALF_COUNT_MAGNITUDE, 0);
    return ((bucket + 1) << HALF_COUNT_MAGNITUDE) + (us >>> bucket) - HALF_COUNT;
  }
  let log2 = 0;
  if (us >= 1) {
    log2 = Math.floor(Math.log2(us));
    // Math.log2 may round up just below a power of two (2^53 - 1 gives 53).
    if (2 ** log2 > us) log2--;
    else if (2 ** (log2 + 1) <= us) log2++;
  }
  const bucket = Math.max(log2 - HALF_COUNT_MAGNITUDE, 0);
  return (bucket + 1) * HALF_COUNT + Math.floor(us / 2 ** bucket) - HALF_COUNT;
}

/** The largest index a histogram of integer µs up to Number.MAX_SAFE_INTEGER can have. */
export const MAX_BUCKET_INDEX = bucketIndexOf(Number.MAX_SAFE_INTEGER);

/** A bucket count fits a 32-bit histogram counter. */
const MAX_BUCKET_COUNT = 0x7fffffff;

/** What checkBuckets found in valid buckets: the sum of their counts, their first and last index (-1 when empty). */
export interface BucketsSummary {
  total: number;
  first: number;
  last: number;
}

/**
 * Buckets from the wire, checked: packed bytes (packBuckets) or a flat `[index, count, ...]`
 * list. Indices must increase strictly and stay within MAX_BUCKET_INDEX, counts must be
 * integers in [1, 2^31 - 1], and packed bytes must not end inside a varint. Returns the flat
 * list and the sum of the counts, or the reason the buckets are invalid.
 */
export function readBuckets(v: unknown): { buckets: number[]; total: number } | string {
  if (v instanceof Uint8Array) {
    const read = unpackPastKept(v);
    return typeof read === 'string' ? read : { buckets: Array.from(read), total: unpackedTotal };
  }
  const checked = checkList(v);
  return typeof checked === 'string' ? checked : { buckets: v as number[], total: checked.total };
}

/**
 * The checks of readBuckets without a list made: what a master needs to judge a report, whose
 * buckets it then adds from the packed bytes (bucketList). Returns the buckets' summary or the
 * reason they are invalid.
 */
export function checkBuckets(v: unknown): BucketsSummary | string {
  if (!(v instanceof Uint8Array)) return checkList(v);
  // A merge began since the last check: what it did not take belongs to a report now done with.
  if (keptTaken > 0 || keptEnd > MAX_KEPT_NUMBERS) forgetKept();
  const base = keptEnd;
  const n = unpackChecked(v, base);
  if (typeof n === 'string') return n;
  keep(v, base, 2 * n);
  return { total: unpackedTotal, first: n > 0 ? unpacked[base]! : -1, last: n > 0 ? unpacked[base + 2 * n - 2]! : -1 };
}

// A master checks every histogram of a report (checkBuckets) before it merges any, then merges
// them (bucketList): the checks' unpacked buckets are kept at the start of `unpacked` for the
// merge, which would otherwise unpack each histogram a second time (about a tenth of a master's
// CPU). Kept in order of checking, found by the identity of their bytes. The merge takes the
// entries in that order; a schedule's lag or corrected statistics may be taken before them.

/** Most numbers kept: a report checked and never merged (refused) is forgotten past this. */
const MAX_KEPT_NUMBERS = 1 << 20;
const keptBytes: Array<Uint8Array | undefined> = [];
const keptStart: number[] = [];
let keptCount = 0;
/** Where the kept buckets end in `unpacked`: other unpacking goes past it. */
let keptEnd = 0;
/** Kept histograms the merge has taken (their bytes are cleared from keptBytes). */
let keptTaken = 0;
/** The first kept histogram not taken yet: where the search starts. */
let keptFirst = 0;

function keep(bytes: Uint8Array, start: number, length: number): void {
  keptBytes[keptCount] = bytes;
  keptStart[keptCount] = start;
  keptCount++;
  keptEnd = start + length;
}

/** The kept buckets of `bytes` (valid until the next call of this module), or undefined. */
function takeKept(bytes: Uint8Array): Int32Array | undefined {
  for (let i = keptFirst; i < keptCount; i++) {
    if (keptBytes[i] !== bytes) continue;
    const start = keptStart[i]!;
    const end = i + 1 < keptCount ? keptStart[i + 1]! : keptEnd;
    keptBytes[i] = undefined;
    // The whole report is merged: the next check starts the buffer over.
    if (++keptTaken === keptCount) forgetKept();
    else while (keptFirst < keptCount && keptBytes[keptFirst] === undefined) keptFirst++;
    return unpacked.subarray(start, end);
  }
  return undefined;
}

/**
 * Unpacks past the kept buckets, which the rest of a report still needs: a view valid until the
 * next call of this module, or why the bytes are broken.
 */
function unpackPastKept(bytes: Uint8Array): Int32Array | string {
  const n = unpackChecked(bytes, keptEnd);
  return typeof n === 'string' ? n : unpacked.subarray(keptEnd, keptEnd + 2 * n);
}

function forgetKept(): void {
  keptBytes.fill(undefined, 0, keptCount);
  keptCount = 0;
  keptEnd = 0;
  keptTaken = 0;
  keptFirst = 0;
}

function checkList(v: unknown): BucketsSummary | string {
  if (!Array.isArray(v)) return 'expected packed bytes or an [index, count, ...] array';
  if (v.length % 2 !== 0) return `an odd number (${v.length}) of bucket numbers`;
  let total = 0;
  let previous = -1;
  for (let i = 0; i < v.length; i += 2) {
    const index: unknown = v[i];
    const count: unknown = v[i + 1];
    if (typeof index !== 'number' || !Number.isInteger(index) || index <= previous || index > MAX_BUCKET_INDEX) return `bucket index ${String(index)} out of order or range`;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_BUCKET_COUNT) return `bucket count ${String(count)} is not an integer in [1, ${MAX_BUCKET_COUNT}]`;
    previous = index;
    total += count;
  }
  return { total, first: v.length > 0 ? (v[0] as number) : -1, last: v.length > 0 ? (v[v.length - 2] as number) : -1 };
}

/** Where a varint read by readVarint ended (module state: no object per varint on a master's hot path). */
let varintEnd = 0;

/** The varint at `at` (at most 5 bytes, 35 bits: any index or 32-bit count), or -1 if cut or too long. */
function readVarint(bytes: Uint8Array, at: number): number {
  let v = 0;
  let scale = 1;
  for (let n = 0; n < 5; n++) {
    if (at >= bytes.length) return -1;
    const b = bytes[at++]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      varintEnd = at;
      return v;
    }
    scale *= 0x80;
  }
  return -2;
}

const varintProblem = (code: number) => (code === -1 ? 'packed buckets end inside a varint' : 'a bucket varint longer than 5 bytes');

/**
 * Where unpackChecked writes `[index, count, ...]` (both fit 31 bits), grown as needed up to
 * 2 x (MAX_BUCKET_INDEX + 1) numbers, and the sum of the counts.
 */
let unpacked = new Int32Array(1024);
let unpackedTotal = 0;

/**
 * Unpacks into `unpacked` from `base` on (what is below it is kept); returns the number of
 * buckets, or why the bytes are broken.
 */
function unpackChecked(bytes: Uint8Array, base = 0): number | string {
  unpackedTotal = 0;
  const length = bytes.length;
  if (length === 0) return 0;
  const n = readVarint(bytes, 0);
  if (n < 0) return varintProblem(n);
  const codesAt = varintEnd;
  let at = codesAt + Math.ceil(n / 2);
  if (at > length) return `${n} buckets need ${Math.ceil(n / 2)} bytes of codes; ${length - codesAt} are left`;
  // Indices increase strictly: more buckets than indices is a lie, refused before the buffer grows for it.
  if (n > MAX_BUCKET_INDEX + 1) return `${n} buckets, more than the ${MAX_BUCKET_INDEX + 1} indices`;
  if (base + 2 * n > unpacked.length) {
    const grown = new Int32Array(Math.max(base + 2 * n, 2 * unpacked.length));
    grown.set(unpacked.subarray(0, base));
    unpacked = grown;
  }
  const out = unpacked;
  // A master reads hundreds of thousands of buckets a second: the code byte is read once for
  // its two buckets, a one-byte varint without a call, and the index range checked once at the
  // end (indices only grow, and stay exact doubles whatever the gaps).
  let k = base;
  let index = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const byte = bytes[codesAt + (i >> 1)]!;
    // Most bytes hold two gaps of count 1: both buckets at once.
    if ((i & 1) === 0 && i + 1 < n && (byte & 15) !== 0 && byte >> 4 !== 0) {
      index += byte & 15;
      out[k++] = index;
      out[k++] = 1;
      index += byte >> 4;
      out[k++] = index;
      out[k++] = 1;
      total += 2;
      i++;
      continue;
    }
    const code = (i & 1) === 0 ? byte & 15 : byte >> 4;
    if (code !== 0) {
      index += code;
      out[k++] = index;
      out[k++] = 1;
      total += 1;
      continue;
    }
    let head: number;
    if (at < length && bytes[at]! < 0x80) {
      head = bytes[at++]!;
    } else {
      head = readVarint(bytes, at);
      if (head < 0) return varintProblem(head);
      at = varintEnd;
    }
    let count = 1;
    if ((head & 1) === 1) {
      const more = readVarint(bytes, at);
      if (more < 0) return varintProblem(more);
      at = varintEnd;
      count = more + 2;
      if (count > MAX_BUCKET_COUNT) return `bucket count ${count} is not in [1, ${MAX_BUCKET_COUNT}]`;
    }
    const gap = (head - (head % 2)) / 2;
    if (gap === 0 && i > 0) return `bucket index ${index} repeated`;
    index += gap;
    if (index > MAX_BUCKET_INDEX) return `bucket index ${index} over ${MAX_BUCKET_INDEX}`;
    out[k++] = index;
    out[k++] = count;
    total += count;
  }
  if (index > MAX_BUCKET_INDEX) return `bucket index ${index} over ${MAX_BUCKET_INDEX}`;
  if (at !== length) return `${length - at} bytes after the last bucket`;
  unpackedTotal = total;
  return n;
}
