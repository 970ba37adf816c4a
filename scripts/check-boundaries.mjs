#!/usr/bin/env node
// Fails (exit code 1) when a file imports across the monorepo's boundaries; the rules are in
// boundaries.mjs, the layer list in README.md. Part of `npm run lint`.
import { fileURLToPath } from 'node:url';
import { checkBoundaries, formatViolation } from './boundaries.mjs';

/** Known violations let through until the code moves: the file and the imported specifier. */
const ALLOW = [
  // The Chromium test of the web UI drives the web package's in-process server fixture (a test
  // file reaching a package's test support, not its sources).
  { file: 'test/web-ui.test.ts', specifier: '../packages/web/test-support/web-fixture.ts' },
  // esbuild bundles the page scripts: at build time, or on first use when running from the
  // TypeScript sources (tests); the compiled code never loads it, so it stays a devDependency.
  { file: 'packages/report/src/browser-script.ts', specifier: 'esbuild' },
  // Types only: the page draws with the uPlot that @locusta/report's assets put on the page.
  { file: 'packages/web/src/browser/live-charts.ts', specifier: 'uplot' },
  { file: 'packages/web/src/browser/extra-charts.ts', specifier: 'uplot' },
];

const matches = (a, v) => a.file === v.file && v.message.includes(`'${a.specifier}'`);
const root = fileURLToPath(new URL('..', import.meta.url));
const found = checkBoundaries(root);
const violations = found.filter((v) => !ALLOW.some((a) => matches(a, v)));
for (const a of ALLOW.filter((a) => !found.some((v) => matches(a, v)))) {
  console.error(`check-boundaries: note: the allowance for ${a.file} importing '${a.specifier}' is no longer needed`);
}
for (const v of violations) console.error(formatViolation(v));
if (violations.length > 0) {
  console.error(`check-boundaries: ${violations.length} import${violations.length === 1 ? '' : 's'} across the package boundaries (rules: scripts/boundaries.mjs)`);
  process.exit(1);
}
