/**
 * Locust's module-level statistics settings (`locust.stats.PERCENTILES_TO_REPORT = [...]` in a
 * locustfile), as one mutable object: a user file sets them at import (`stats.X = ...` after
 * `import { stats } from 'locusta'`), the command line's options after it, and every output reads
 * them when it is written. Names and meanings are Locust's.
 */
export interface StatsSettings {
  /** The percentile columns of the console table, the CSVs and the HTML report. */
  PERCENTILES_TO_REPORT: number[];
  /** The per-row percentiles of the web API's `/stats/requests` (`response_time_percentile_0.95`). */
  PERCENTILES_TO_STATISTICS: number[];
  /** The current percentiles of `/stats/requests` (`current_response_time_percentiles`); at most 6. */
  PERCENTILES_TO_CHART: number[];
  /** Seconds between the console tables of a headless run. */
  CONSOLE_STATS_INTERVAL_SEC: number;
  /** Seconds between writes of the CSV files (history rows included). */
  CSV_STATS_INTERVAL_SEC: number;
  /** Seconds between the history samples the web UI's charts and the HTML report draw (Locust: 5; here 1 by default). */
  HISTORY_STATS_INTERVAL_SEC: number;
  /** Seconds the current (windowed) percentiles cover. */
  CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW: number;
}

/** Locusta's defaults: Locust's, but for the history, sampled each second for finer charts. */
export const DEFAULT_STATS_SETTINGS: Readonly<StatsSettings> = Object.freeze({
  PERCENTILES_TO_REPORT: [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0],
  PERCENTILES_TO_STATISTICS: [0.95, 0.99],
  PERCENTILES_TO_CHART: [0.5, 0.95],
  CONSOLE_STATS_INTERVAL_SEC: 2,
  CSV_STATS_INTERVAL_SEC: 1,
  HISTORY_STATS_INTERVAL_SEC: 1,
  CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW: 10,
});

/** The settings in force. Mutable on purpose: Locust's are module globals a locustfile assigns. */
export const statsSettings: StatsSettings = {
  ...DEFAULT_STATS_SETTINGS,
  PERCENTILES_TO_REPORT: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_REPORT],
  PERCENTILES_TO_STATISTICS: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_STATISTICS],
  PERCENTILES_TO_CHART: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_CHART],
};

/** Back to the defaults (for tests, which share one module). */
export function resetStatsSettings(): void {
  Object.assign(statsSettings, {
    ...DEFAULT_STATS_SETTINGS,
    PERCENTILES_TO_REPORT: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_REPORT],
    PERCENTILES_TO_STATISTICS: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_STATISTICS],
    PERCENTILES_TO_CHART: [...DEFAULT_STATS_SETTINGS.PERCENTILES_TO_CHART],
  });
}

/**
 * What is wrong with the settings, in one line, or undefined. Locust's
 * validate_stats_configuration (at most 6 chart percentiles, chart and statistics percentiles
 * strictly between 0 and 1), and beyond it: reported percentiles in (0, 1], ascending, and
 * intervals that are positive numbers (the window a whole number of seconds, at most an hour).
 */
export function statsSettingsProblem(s: StatsSettings = statsSettings): string | undefined {
  const list = (name: keyof StatsSettings, value: unknown, upTo1: boolean): string | undefined => {
    if (!Array.isArray(value) || value.length === 0) return `${name} must be a non-empty list of fractions, e.g. [0.5, 0.95]`;
    for (const p of value) {
      if (typeof p !== 'number' || !(p > 0) || p > 1 || (!upTo1 && p === 1)) {
        return `${name}: ${String(p)} is not a fraction ${upTo1 ? 'in (0, 1]' : 'strictly between 0 and 1'}`;
      }
    }
    return undefined;
  };
  const problem =
    list('PERCENTILES_TO_REPORT', s.PERCENTILES_TO_REPORT, true) ??
    list('PERCENTILES_TO_STATISTICS', s.PERCENTILES_TO_STATISTICS, false) ??
    list('PERCENTILES_TO_CHART', s.PERCENTILES_TO_CHART, false);
  if (problem) return problem;
  if (s.PERCENTILES_TO_CHART.length > 6) return `PERCENTILES_TO_CHART: at most 6 percentiles can be charted, got ${s.PERCENTILES_TO_CHART.length}`;
  for (const name of ['CONSOLE_STATS_INTERVAL_SEC', 'CSV_STATS_INTERVAL_SEC', 'HISTORY_STATS_INTERVAL_SEC'] as const) {
    const v = s[name];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) return `${name} must be a number of seconds > 0, got ${String(v)}`;
  }
  const w = s.CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW;
  if (!Number.isInteger(w) || w < 1 || w > 3600) return `CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW must be a whole number of seconds from 1 to 3600, got ${String(w)}`;
  return undefined;
}
