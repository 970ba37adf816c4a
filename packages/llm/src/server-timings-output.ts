import type { Environment, OutputExtension } from '@locusta/core';
import type { CsvColumn } from '@locusta/stats';
import { PrometheusText, csvTable } from '@locusta/stats';
import type { LlmEntry } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';
import type { ServerField, ServerTimingsData, ServerTimingsEntry } from './server-timings.ts';
import { ServerTimingsStats, checkServerTimings } from './server-timings.ts';

/** A row: the server's figures of an entry and the client's of the same (name, model). */
interface Row {
  server: ServerTimingsEntry;
  client: LlmEntry | undefined;
}

/** A column: its CSV header, its console header and its unrounded value (null: no samples). */
export interface ServerColumn {
  header: string;
  short: string;
  raw(row: Row): string | number | null;
}

/** A server family: its fields, how its table reads, and its name everywhere. */
export interface ServerTimingsFamily<F> {
  /** The key of the family in worker reports and the suffix of its files (PREFIX_<key>.csv). */
  key: string;
  fields: readonly ServerField<F>[];
  /** The console table's heading. */
  consoleTitle: string;
  /** The web UI tab's title. */
  webTitle: string;
  /** The server's columns; Name, Model and the answers come before, the client's TTFT and E2E after. */
  columns: readonly ServerColumn[];
  /** `/metrics`: one histogram family in seconds, a `phase` label for each duration field (ms). */
  prometheus: { name: string; help: string; phases: ReadonlyArray<readonly [field: string, phase: string]> };
}

/** A percentile of a field: `Server <label> p50 (<unit>)`; the console names a unit other than ms. */
export function percentileColumn(field: string, p: number, label: string, unit: string): ServerColumn {
  const short = `${label} p${p * 100}${unit === 'ms' ? '' : ` ${unit}`}`;
  return { header: `Server ${label} p${p * 100} (${unit})`, short, raw: (r) => r.server.value(field, p) };
}

/** The sum of a field over the answers (token counts). */
export function sumColumn(field: string, header: string, short: string): ServerColumn {
  return { header, short, raw: (r) => r.server.sum(field) };
}

const client = (metric: 'ttft' | 'e2e', p: number, label: string): ServerColumn => ({
  header: `Client ${label} p${p * 100} (ms)`,
  short: `client ${label} p${p * 100}`,
  raw: (r) => (r.client === undefined || r.client.count(metric) === 0 ? null : r.client.latency(metric, [p])[0]!),
});

// One stats object per family and Environment, under a global symbol as LlmStats are (see
// attach.ts), so a copy of this package bundled into a user file records into the stats the CLI reports.
const globals = globalThis as Record<symbol, unknown>;

/** A family's stats of an environment, created on first use. */
export function serverTimingsOf<F>(family: ServerTimingsFamily<F>, environment: Environment): ServerTimingsStats<F> {
  const registry = (globals[Symbol.for(`locusta.llm.${family.key}`)] ??= new WeakMap<Environment, ServerTimingsStats<F>>()) as WeakMap<Environment, ServerTimingsStats<F>>;
  let stats = registry.get(environment);
  if (stats === undefined) {
    stats = new ServerTimingsStats(family.fields);
    registry.set(environment, stats);
  }
  return stats;
}

/**
 * A server's own figures of its answers as an output family: a console table, PREFIX_<key>.csv,
 * a web UI tab, `/metrics` histograms and NAME_<key>.json, each row beside the client's TTFT and
 * E2E of the same entry of the LLM table. Workers send their histograms with each report; the
 * master merges them. Nothing is shown before an answer carried figures.
 */
export function serverTimingsOutput<F>(family: ServerTimingsFamily<F>, stats: ServerTimingsStats<F>, llm: LlmStats): OutputExtension {
  const raw: readonly ServerColumn[] = [
    { header: 'Name', short: 'Name', raw: (r) => r.server.name },
    { header: 'Model', short: 'Model', raw: (r) => r.server.model },
    { header: 'Answers with timings', short: '# answers', raw: (r) => r.server.requests },
    ...family.columns,
    client('ttft', 0.5, 'TTFT'),
    client('e2e', 0.5, 'E2E'),
    client('e2e', 0.99, 'E2E'),
  ];
  // Values as written: rounded to 2 decimals (whole from 100), `N/A` for no samples.
  const columns: ReadonlyArray<CsvColumn<Row> & { short: string }> = raw.map((c) => ({
    header: c.header,
    short: c.short,
    value: (r: Row) => {
      const v = c.raw(r);
      if (v === null) return 'N/A';
      if (typeof v === 'string' || Number.isInteger(v)) return v;
      return v >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
    },
  }));
  const check = (v: unknown) => checkServerTimings(family.fields as readonly ServerField<unknown>[], v);
  const rows = (): Row[] => {
    if (stats.total.requests === 0) return [];
    const entries = stats.entries().map((server) => ({ server, client: llm.get(server.name, server.model) }));
    return [...entries, { server: stats.total, client: llm.total }] as Row[];
  };
  return {
    name: family.key,
    consoleTable: () => {
      const all = rows();
      if (all.length === 0) return '';
      const cells = all.map((r) => columns.map((c) => String(c.value(r))));
      const widths = columns.map((c, i) => Math.max(c.short.length, ...cells.map((row) => row[i]!.length)));
      const line = (row: string[]) => row.map((t, i) => (i < 2 ? t.padEnd(widths[i]!) : t.padStart(widths[i]!))).join('  ').trimEnd();
      const separator = widths.map((w) => '-'.repeat(w)).join('  ');
      const out = [family.consoleTitle, line(columns.map((c) => c.short)), separator];
      cells.forEach((row, i) => {
        if (i === cells.length - 1) out.push(separator);
        out.push(line(row));
      });
      return out.join('\n') + '\n\n';
    },
    csvFiles: () => {
      const all = rows();
      return all.length === 0 ? [] : [{ suffix: family.key, content: csvTable(columns, all) }];
    },
    webTable: () => ({
      id: family.key,
      title: family.webTitle,
      columns: columns.map((c) => c.header),
      rows: rows().map((r) => columns.map((c) => c.value(r))),
      lastRowIsTotal: true,
    }),
    prometheus: () => {
      if (stats.total.requests === 0) return '';
      const { name, help, phases } = family.prometheus;
      const m = new PrometheusText();
      m.family(name, 'histogram', help);
      for (const e of stats.entries()) {
        for (const [field, phase] of phases) m.histogram(name, [['name', e.name], ['model', e.model], ['phase', phase]], e.histograms[field]!, SERVER_BUCKETS);
      }
      return m.text();
    },
    json: () => {
      const all = rows();
      if (all.length === 0) return undefined;
      return { rows: all.map((r) => Object.fromEntries(raw.map((c) => [c.header, c.raw(r)]))) };
    },
    takeReport: () => {
      if (stats.total.requests === 0) return undefined;
      const data = stats.serialize();
      stats.reset();
      return data;
    },
    checkReport: check,
    merge: (value) => {
      if (check(value) === undefined) stats.merge(value as ServerTimingsData);
    },
    reset: () => stats.reset(),
  };
}

/** Upper bounds (seconds) of the server timing buckets. */
const SERVER_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);
