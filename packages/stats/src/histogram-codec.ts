import type { JsHistogram } from 'hdr-histogram-js';
import { requireHdr } from './histogram.ts';

// The JS codec alone (see histogram.ts for why not the main entry). Loading it also installs
// JsHistogram.prototype.encodeIntoCompressedBase64.
const codec = requireHdr('hdr-histogram-js/dist/JsHistogram.encoding.js') as {
  decompress(data: Uint8Array): Uint8Array;
  doDecode(data: Uint8Array, bitBucketSize: 32): JsHistogram;
};

// The standard HdrHistogram V2 compressed encoding (deflate + base64), so a snapshot can also be
// read by any HdrHistogram tool (Java, Go, Rust, HistogramLogAnalyzer). A string travels through
// JSON and msgpack unchanged. Empty histograms are sent as null to skip the deflate.

/** Encodes a histogram, or null when it holds no samples. */
export function encodeHistogram(h: JsHistogram): string | null {
  return h.totalCount === 0 ? null : (h as JsHistogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

/** Decodes what encodeHistogram produced. */
export function decodeHistogram(encoded: string): JsHistogram {
  return codec.doDecode(codec.decompress(Buffer.from(encoded, 'base64')), 32);
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

/** The flat `[index, count, ...]` list of packed buckets. */
export function unpackBuckets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let at = 0;
  let index = 0;
  const get = () => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++] ?? 0;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  };
  while (at < bytes.length) {
    index += get();
    out.push(index, get());
  }
  return out;
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
