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

/** Adds buckets from toBuckets into a histogram of the same layout. */
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
