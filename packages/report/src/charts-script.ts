import { browserScript } from './browser-script.ts';

let cached: string | undefined;

/** The report's page script (the bundle of src/browser/charts.ts), inlined after uPlot. Made once per process. */
export function chartsScript(): string {
  cached ??= browserScript(import.meta.url, 'charts');
  return cached;
}
