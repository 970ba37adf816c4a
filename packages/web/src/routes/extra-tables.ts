/** A table another package adds to the UI, in a tab of its own (the CLI's LLM metrics). */
export interface ExtraTable {
  /** Unique among the tables and stable between polls: the tab is `#extra-<id>`. */
  id: string;
  /** The tab's label. */
  title: string;
  columns: string[];
  /** One value per column; numbers are aligned right, null shows as `-`. No rows: no tab. */
  rows: Array<Array<string | number | null>>;
  /** The last row sums the others: shown in bold, as the statistics' Aggregated row. */
  lastRowIsTotal?: boolean;
}

/** The body of `/stats/extra`: every table, rows or not (the page shows those with rows). */
export function extraTablesReport(source: (() => ExtraTable[]) | undefined): { tables: ExtraTable[] } {
  return { tables: source?.() ?? [] };
}
