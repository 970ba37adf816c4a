// Build step after tsc: bundles the page script (src/browser/app.ts) into dist/browser/app.js.
import { writeBrowserBundle } from '@locusta/report';

writeBrowserBundle(new URL('./', import.meta.url), 'app');
