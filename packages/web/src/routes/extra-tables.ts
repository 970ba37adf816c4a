import type { OutputExtension, OutputTable } from '@locusta/core';

/** A table an output family adds to the UI, in a tab of its own (the LLM metrics). */
export type ExtraTable = OutputTable;

/** The body of `/stats/extra`: every family's table, rows or not (the page shows those with rows). */
export function extraTablesReport(outputs: (() => readonly OutputExtension[]) | undefined): { tables: ExtraTable[] } {
  return { tables: (outputs?.() ?? []).flatMap((ext) => ext.webTable?.() ?? []) };
}

/** The families' Prometheus text, each ending with a newline as the exposition requires. */
export function extraMetrics(outputs: (() => readonly OutputExtension[]) | undefined): string {
  let out = '';
  for (const ext of outputs?.() ?? []) {
    const text = ext.prometheus?.() ?? '';
    out += text === '' || text.endsWith('\n') ? text : `${text}\n`;
  }
  return out;
}
