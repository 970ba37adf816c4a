import { createHash } from 'node:crypto';
import { browserScript, uplotAssets } from '@locusta/report';
import { FAVICON_SVG } from './ui/favicon.ts';
import { APP_CSS } from './ui/styles.ts';

/** A static file of the UI, served from memory with an ETag. */
export interface Asset {
  type: string;
  body: string;
  etag: string;
}

function asset(type: string, body: string): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

let cached: Map<string, Asset> | undefined;

/** The files under `/assets/`, by name. Built once per process. */
export function uiAssets(): Map<string, Asset> {
  if (!cached) {
    const uplot = uplotAssets();
    cached = new Map([
      // The page script: the bundle of src/browser/app.ts.
      ['app.js', asset('text/javascript; charset=utf-8', browserScript(import.meta.url, 'app'))],
      ['app.css', asset('text/css; charset=utf-8', APP_CSS)],
      ['uplot.js', asset('text/javascript; charset=utf-8', uplot.js)],
      ['uplot.css', asset('text/css; charset=utf-8', uplot.css)],
      ['favicon.svg', asset('image/svg+xml', FAVICON_SVG)],
    ]);
  }
  return cached;
}
