import type { JsHistogram } from 'hdr-histogram-js';
import { requireHdr } from './histogram.ts';

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
 * Buckets packed for the wire: LEB128 varints of (index - previous index, count). Most index
 * gaps and counts fit one byte, so a bucket costs 2-3 bytes instead of 8, and a master spends
 * its time merging rather than copying frames.
 */
export function packBuckets(buckets: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(buckets.length * 5);
  let at = 0;
  let previous = 0;
  const put = (v: number) => {
    while (v >= 0x80) {
      out[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[at++] = v;
  };
  for (let i = 0; i < buckets.length; i += 2) {
    const index = buckets[i] ?? 0;
    put(index - previous);
    put(buckets[i + 1] ?? 0);
    previous = index;
  }
  return out.subarray(0, at);
}

/** The flat `[index, count, ...]` list of packed buckets; throws on a broken encoding. */
export function unpackBuckets(bytes: Uint8Array): number[] {
  const read = unpackChecked(bytes);
  if (typeof read === 'string') throw new RangeError(`invalid packed buckets: ${read}`);
  return read.buckets;
}

/** Adds a flat `[index, count, ...]` list (toBuckets, unpackBuckets) into a histogram of the same layout. */
export function addBuckets(h: JsHistogram, buckets: ArrayLike<number>): void {
  if (buckets.length === 0) return;
  const lastIndex = buckets[buckets.length - 2] ?? 0;
  if (lastIndex >= h.countsArrayLength) h.resize(h.highestEquivalentValue(h.valueFromIndex(lastIndex)));
  let total = 0;
  for (let i = 0; i < buckets.length; i += 2) {
    const c = buckets[i + 1] ?? 0;
    h.addToCountAtIndex(buckets[i] ?? 0, c);
    total += c;
  }
  h.addToTotalCount(total);
  h.updateMinAndMax(h.valueFromIndex(buckets[0] ?? 0));
  h.updateMinAndMax(h.valueFromIndex(lastIndex));
}

// The layout of createHistogram() (3 significant digits, lowest discernible value 1): bucket
// `b` holds 1024 sub-buckets of width 2^b, so the index of a value is computable without a
// histogram at hand. A receiver uses it to check that buckets agree with a report's min and max.
const HALF_COUNT_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_COUNT_MAGNITUDE;

/** The bucket index of `us` (integer µs >= 0) in a createHistogram() histogram. */
export function bucketIndexOf(us: number): number {
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

/**
 * Buckets from the wire, checked: packed bytes (packBuckets) or a flat `[index, count, ...]`
 * list. Indices must increase strictly and stay within MAX_BUCKET_INDEX, counts must be
 * integers in [1, 2^31 - 1], and packed bytes must not end inside a varint. Returns the flat
 * list and the sum of the counts, or the reason the buckets are invalid.
 */
export function readBuckets(v: unknown): { buckets: number[]; total: number } | string {
  if (v instanceof Uint8Array) return unpackChecked(v);
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
  return { buckets: v as number[], total };
}

function unpackChecked(bytes: Uint8Array): { buckets: number[]; total: number } | string {
  const out: number[] = [];
  const end = bytes.length;
  let at = 0;
  let index = 0;
  let total = 0;
  // Varints inlined (no closure: this runs for every bucket of every report a master receives).
  // Each is at most 5 bytes (35 bits): enough for any index and any 32-bit count.
  while (at < end) {
    let gap = 0;
    let scale = 1;
    let b = 0x80;
    for (let n = 0; n < 5 && b >= 0x80; n++) {
      if (at >= end) return 'packed buckets end inside a varint';
      b = bytes[at++]!;
      gap += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    if (b >= 0x80) return 'a bucket varint longer than 5 bytes';
    let count = 0;
    scale = 1;
    b = 0x80;
    for (let n = 0; n < 5 && b >= 0x80; n++) {
      if (at >= end) return 'packed buckets end inside a varint';
      b = bytes[at++]!;
      count += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    if (b >= 0x80) return 'a bucket varint longer than 5 bytes';
    if (gap === 0 && out.length > 0) return `bucket index ${index} repeated`;
    index += gap;
    if (index > MAX_BUCKET_INDEX) return `bucket index ${index} over ${MAX_BUCKET_INDEX}`;
    if (count < 1 || count > MAX_BUCKET_COUNT) return `bucket count ${count} is not in [1, ${MAX_BUCKET_COUNT}]`;
    out.push(index, count);
    total += count;
  }
  return { buckets: out, total };
}
