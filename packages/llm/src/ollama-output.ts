import type { Environment, OutputExtension } from '@locusta/core';
import type { CsvColumn } from '@locusta/stats';
import { PrometheusText, csvTable } from '@locusta/stats';
import type { LlmEntry } from './llm-entry.ts';
import type { LlmStats } from './llm-stats.ts';
import type { OllamaEntry, OllamaStatsData, ServerTiming } from './ollama-server-stats.ts';
import { OllamaServerStats, checkOllamaReport } from './ollama-server-stats.ts';

/** The key of the family in worker reports and the suffix of its files. */
const OLLAMA_REPORT_KEY = 'ollama';

// One OllamaServerStats per Environment, under a global symbol as LlmStats are (see attach.ts),
// so a copy of this package bundled into a user file records into the stats the CLI reports.
const globals = globalThis as Record<symbol, unknown>;
const registry = (globals[Symbol.for('locusta.llm.ollama')] ??= new WeakMap<Environment, OllamaServerStats>()) as WeakMap<Environment, OllamaServerStats>;

/** The server-side timings of an environment's Ollama answers, created on first use. */
export function ollamaStatsOf(environment: Environment): OllamaServerStats {
  let stats = registry.get(environment);
  if (stats === undefined) {
    stats = new OllamaServerStats();
    registry.set(environment, stats);
  }
  return stats;
}

/** A row: the server's timings of an entry and the client's of the same (name, model). */
interface Row {
  server: OllamaEntry;
  client: LlmEntry | undefined;
}

/** A column: its CSV header, its console header and its unrounded value (null: no samples). */
interface Column {
  header: string;
  short: string;
  raw(row: Row): string | number | null;
}

const server = (timing: ServerTiming, p: number, label: string): Column => ({
  header: `Server ${label} p${p * 100} (ms)`,
  short: `${label} p${p * 100}`,
  raw: (r) => r.server.ms(timing, p),
});

const client = (metric: 'ttft' | 'e2e', p: number, label: string): Column => ({
  header: `Client ${label} p${p * 100} (ms)`,
  short: `client ${label} p${p * 100}`,
  raw: (r) => (r.client === undefined || r.client.count(metric) === 0 ? null : r.client.latency(metric, [p])[0]!),
});

/** PREFIX_ollama.csv's columns: the server's timings, then the client's TTFT and E2E beside them. */
const RAW_COLUMNS: readonly Column[] = [
  { header: 'Name', short: 'Name', raw: (r) => r.server.name },
  { header: 'Model', short: 'Model', raw: (r) => r.server.model },
  { header: 'Answers with timings', short: '# answers', raw: (r) => r.server.requests },
  server('load', 0.5, 'load'),
  server('promptEval', 0.5, 'prompt eval'),
  server('promptEval', 0.95, 'prompt eval'),
  server('eval', 0.5, 'eval'),
  server('eval', 0.95, 'eval'),
  server('total', 0.5, 'total'),
  server('total', 0.95, 'total'),
  server('total', 0.99, 'total'),
  client('ttft', 0.5, 'TTFT'),
  client('e2e', 0.5, 'E2E'),
  client('e2e', 0.99, 'E2E'),
];

/** The columns with their values as written: ms rounded to 2 decimals (whole ms from 100), `N/A` for no samples. */
const COLUMNS: ReadonlyArray<CsvColumn<Row> & { short: string }> = RAW_COLUMNS.map((c) => ({
  header: c.header,
  short: c.short,
  value: (r: Row) => {
    const v = c.raw(r);
    if (v === null) return 'N/A';
    if (typeof v === 'string' || Number.isInteger(v)) return v;
    return v >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
  },
}));

/**
 * The timings Ollama reports for its answers (`load_duration`, `prompt_eval_duration`,
 * `eval_duration`, `total_duration`) as an output family: a console table, PREFIX_ollama.csv,
 * a web UI tab, `locusta_ollama_*` on `/metrics` and NAME_ollama.json, each row beside the
 * client's TTFT and E2E of the same entry of the LLM table. Workers send their histograms with
 * each report; the master merges them. Nothing is shown before an answer carried timings.
 */
export function ollamaOutput(stats: OllamaServerStats, llm: LlmStats): OutputExtension {
  const rows = (): Row[] => {
    if (stats.total.requests === 0) return [];
    const entries = stats.entries().map((server) => ({ server, client: llm.get(server.name, server.model) }));
    return [...entries, { server: stats.total, client: llm.total }];
  };
  return {
    name: OLLAMA_REPORT_KEY,
    consoleTable: () => {
      const all = rows();
      if (all.length === 0) return '';
      const cells = all.map((r) => COLUMNS.map((c) => String(c.value(r))));
      const widths = COLUMNS.map((c, i) => Math.max(c.short.length, ...cells.map((row) => row[i]!.length)));
      const line = (row: string[]) => row.map((t, i) => (i < 2 ? t.padEnd(widths[i]!) : t.padStart(widths[i]!))).join('  ').trimEnd();
      const separator = widths.map((w) => '-'.repeat(w)).join('  ');
      const out = ['Ollama server timings (ms, as the server reports them; client TTFT and E2E beside)', line(COLUMNS.map((c) => c.short)), separator];
      cells.forEach((row, i) => {
        if (i === cells.length - 1) out.push(separator);
        out.push(line(row));
      });
      return out.join('\n') + '\n\n';
    },
    csvFiles: () => {
      const all = rows();
      return all.length === 0 ? [] : [{ suffix: OLLAMA_REPORT_KEY, content: csvTable(COLUMNS, all) }];
    },
    webTable: () => ({
      id: OLLAMA_REPORT_KEY,
      title: 'Ollama server',
      columns: COLUMNS.map((c) => c.header),
      rows: rows().map((r) => COLUMNS.map((c) => c.value(r))),
      lastRowIsTotal: true,
    }),
    prometheus: () => {
      if (stats.total.requests === 0) return '';
      const m = new PrometheusText();
      m.family('locusta_ollama_server_seconds', 'histogram', "Ollama's own timings of its answers (load, prompt_eval, eval, total).");
      const phases: Array<[ServerTiming, string]> = [['load', 'load'], ['promptEval', 'prompt_eval'], ['eval', 'eval'], ['total', 'total']];
      for (const e of stats.entries()) {
        for (const [timing, phase] of phases) {
          m.histogram('locusta_ollama_server_seconds', [['name', e.name], ['model', e.model], ['phase', phase]], e.histograms[timing], SERVER_BUCKETS);
        }
      }
      return m.text();
    },
    json: () => {
      const all = rows();
      if (all.length === 0) return undefined;
      return { rows: all.map((r) => Object.fromEntries(RAW_COLUMNS.map((c) => [c.header, c.raw(r)]))) };
    },
    takeReport: () => {
      if (stats.total.requests === 0) return undefined;
      const data = stats.serialize();
      stats.reset();
      return data;
    },
    checkReport: checkOllamaReport,
    merge: (value) => {
      if (checkOllamaReport(value) === undefined) stats.merge(value as OllamaStatsData);
    },
    reset: () => stats.reset(),
  };
}

/** Upper bounds (seconds) of the server timing buckets. */
const SERVER_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);
