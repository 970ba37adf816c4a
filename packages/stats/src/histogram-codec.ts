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
