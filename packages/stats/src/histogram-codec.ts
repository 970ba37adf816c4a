import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';

// The standard HdrHistogram V2 compressed encoding (deflate + base64), so a snapshot can also be
// read by any HdrHistogram tool (Java, Go, Rust, HistogramLogAnalyzer). A string travels through
// JSON and msgpack unchanged. Empty histograms are sent as null to skip the deflate.

/** Encodes a histogram, or null when it holds no samples. */
export function encodeHistogram(h: JsHistogram): string | null {
  return h.totalCount === 0 ? null : encodeIntoCompressedBase64(h);
}

/** Decodes what encodeHistogram produced. */
export function decodeHistogram(encoded: string): JsHistogram {
  return decodeFromCompressedBase64(encoded, 32) as unknown as JsHistogram;
}
