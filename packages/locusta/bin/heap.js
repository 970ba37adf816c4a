// V8 memory settings (heap sizing, WebAssembly compilation) for a process that may hold thousands
// of mostly idle users, applied by bin/locusta.js before the CLI is loaded, so that every way of
// starting the command gets them: the npm bin, `node .../bin/locusta.js` as in the Docker image,
// and the workers --processes forks. Node takes heap size flags only on its command line, which a
// bin cannot set for its own process; the two heap flags set below are read each time V8 resizes
// the heap, and the WebAssembly one when a module is compiled (undici compiles its parser at the
// first request), so setting them at run time works (checked on Node 20, V8 11.3). Should a later V8 ignore them at run time, its
// defaults apply: nothing breaks, the process just uses more memory. A related flag given to node
// by the user (command line or NODE_OPTIONS) turns the matching setting off.
//
// Measured with bench/run.mjs (10,000 waiting HttpUsers, each with a keep-alive connection, and
// a 32-user closed loop on one core); the figures are in bench/RESULTS.md.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * The old generation may grow by this share of the live heap between full collections. V8's
 * default lets it grow to several times the live heap: at 10,000 users that slack was about
 * 40 MB of RSS, while the few more full collections cost no measurable CPU.
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * The young generation (both semi-spaces) stops growing at this size, as it would with node's
 * `--max-semi-space-size=8`. V8 grows it to 32 MB on a machine with a few GB of memory when much
 * of what it holds survives, as when users are spawned by the thousand: 25-30 MB of RSS at
 * 10,000 users. Capping it at half took about 8 MB off and cost the closed loop about 1 % of its
 * CPU per request in extra scavenges (capping it at a quarter: 20 MB off, 2.5 %).
 */
const YOUNG_GENERATION_MAX_BYTES = 16 * 1024 * 1024;

// WebAssembly is left to V8's tiering. Keeping undici's llhttp parser on the baseline compiler
// (--liftoff-only) spared the optimising compile's 34 MB peak after the first request and 9 MB
// kept, but cost the closed loop 5-8 % of its requests per CPU-second (tight.ts on nginx, 4
// alternating rounds): requests per core matter more than 9 MB.

/** Applies the heap settings not overridden by node flags in `execArgv` or `nodeOptions`. */
export function tuneHeap(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((arg) => arg.replaceAll('_', '-'));
  const has = (flag) => given.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (!has('--heap-growing-percent')) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (!['--max-semi-space-size', '--min-semi-space-size', '--semi-space-growth-factor'].some(has)) capYoungGeneration();
}

/**
 * Holds the young generation at YOUNG_GENERATION_MAX_BYTES. V8 grows it by its growth factor
 * at a scavenge; after each collection the factor is set to 1 (no growth) once the cap is
 * reached, and back to V8's default of 2 if the young generation was shrunk below it. The check
 * runs after the collection, so a burst of scavenges before it runs may still grow it further.
 */
function capYoungGeneration() {
  let growing = true;
  const check = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (young === undefined) return;
    const grow = young.space_size < YOUNG_GENERATION_MAX_BYTES;
    if (grow === growing) return;
    growing = grow;
    v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  };
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
}
