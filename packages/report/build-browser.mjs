// Build step after tsc: bundles the page script (src/browser/charts.ts) into dist/browser/charts.js.
import { writeBrowserBundle } from './dist/index.js';

writeBrowserBundle(new URL('./', import.meta.url), 'charts');
