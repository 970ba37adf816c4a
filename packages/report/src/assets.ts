import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// uPlot is read from the installed package at run time (not copied into this package), once per
// process: reports and the web UI both inline it, so nothing is fetched from the network.

export interface UplotAssets {
  /** The IIFE build; defines the global `uPlot`. */
  js: string;
  css: string;
}

let cached: UplotAssets | undefined;

/** uPlot's minified script and stylesheet, ready to inline. */
export function uplotAssets(): UplotAssets {
  if (cached) return cached;
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const js = readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(join(dist, 'uPlot.min.css'), 'utf8');
  // Inlined text must not end its own element early.
  if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot assets cannot be inlined: they contain a closing tag');
  cached = { js, css };
  return cached;
}
