import type { Environment, OutputExtension, OutputHistoryCsv, OutputSection, OutputTable } from '@locusta/core';
import { addOutput } from '@locusta/core';
import { escapeHtml } from '@locusta/report';
import { CLIENT_CPU_LIMIT, CLIENT_LAG_LIMIT_MS, ClientHealth, checkClientIntervals, isClientLimited } from '@locusta/runner';
import type { ClientInterval } from '@locusta/runner';
import { PrometheusText, csvRow, pyFixed } from '@locusta/stats';
import { clientHealthCharts } from './client-health-charts.ts';

/**
 * The header of PREFIX_client.csv: a row per second per load-generating process (`local`, or a
 * worker's id). Its own file rather than columns added to `_stats_history.csv`, whose header
 * Locust's tools read as it is. Timestamp is the unix second at the end of the interval; CPU is
 * in percent of one core; loop lag is how late a 10 ms timer fired (ms); Client Limited is 1
 * when the process was at the CPU or lag limit, so latencies of that second include its queueing.
 */
const CLIENT_CSV_HEADER: readonly string[] = Object.freeze([
  'Timestamp', 'Process', 'Interval (s)', 'CPU %', 'Loop Lag p50 (ms)', 'Loop Lag p99 (ms)', 'Loop Lag Max (ms)', 'Client Limited',
]);

/** The rule, in words (console, report, JSON). */
const CLIENT_LIMIT_RULE = `CPU >= ${CLIENT_CPU_LIMIT}% of a core or event-loop lag p99 >= ${CLIENT_LAG_LIMIT_MS} ms in any load-generating process`;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The web UI's charts show the last half hour (they travel with every poll); the report has the whole run. */
const WEB_CHART_POINTS = 1800;

function csvLine(r: ClientInterval): string {
  return csvRow([
    Math.trunc(r.end), r.process, pyFixed(r.seconds, 3), pyFixed(r.cpu, 1), pyFixed(r.lagP50, 1), pyFixed(r.lagP99, 1), pyFixed(r.lagMax, 1),
    isClientLimited(r) ? 1 : 0,
  ]);
}

/**
 * The load generator's own health as an output family: each process samples its CPU and
 * event-loop lag every second (a worker sends its intervals with its reports); the run's outputs
 * say when the client, not the target, was the bottleneck. PREFIX_client.csv every second, the
 * flag and the intervals in `--json-file`'s NAME_client.json, a banner and a section in the
 * report, and a line in the console summary when any interval was limited.
 */
class ClientHealthOutput implements OutputExtension {
  readonly name = 'client';
  readonly health: ClientHealth;
  readonly historyCsv: OutputHistoryCsv;

  constructor(health: ClientHealth) {
    this.health = health;
    this.historyCsv = {
      suffix: 'client',
      header: () => csvRow(CLIENT_CSV_HEADER),
      rows: () => this.health.takeUnwritten().map(csvLine).join(''),
    };
  }

  /** The warning, or undefined when the client was never the limit. */
  warning(): string | undefined {
    const s = this.health.summary();
    if (s.limitedSeconds === 0) return undefined;
    return (
      `Client was the bottleneck for ${s.limitedSeconds} s of ${s.seconds} s (max CPU ${Math.round(s.maxCpu)}% of a core, ` +
      `max event-loop lag ${Math.round(s.maxLagMs)} ms) — latencies in those intervals include client queueing; ` +
      'spread the users over more processes (--processes) or machines'
    );
  }

  consoleTable(): string {
    const w = this.warning();
    return w === undefined ? '' : `${w}\n`;
  }

  htmlSection(): OutputSection | undefined {
    const s = this.health.summary();
    if (s.seconds === 0) return undefined;
    const rows = this.health.processes().map(
      (p) =>
        `<tr><td>${escapeHtml(p.process)}</td><td>${pyFixed(p.seconds, 1)}</td><td>${pyFixed(p.limitedSeconds, 1)}</td><td>${pyFixed(p.maxCpu, 1)}</td><td>${pyFixed(p.maxLagP99, 1)}</td><td>${pyFixed(p.maxLag, 1)}</td></tr>`,
    );
    const warning = this.warning();
    const html =
      `<p>${escapeHtml(warning ?? 'The client was not the bottleneck: no interval reached the limit.')} Limit: ${escapeHtml(CLIENT_LIMIT_RULE)}.</p>` +
      '<table><thead><tr><th>Process</th><th>Seconds</th><th>Limited (s)</th><th>Max CPU %</th><th>Max loop lag p99 (ms)</th><th>Max loop lag (ms)</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table>`;
    const section: OutputSection = { id: 'client-health', title: 'Client health', html, charts: clientHealthCharts(this.health.intervals) };
    if (warning !== undefined) section.banner = warning;
    return section;
  }

  /** The latest interval of each process (the intervals are kept in the order they came). */
  #latest(): ClientInterval[] {
    const latest = new Map<string, ClientInterval>();
    for (const r of this.health.intervals) latest.set(r.process, r);
    return [...latest.values()];
  }

  /** A row per process: the run so far, and its last second. No rows before the first sample: no tab. */
  webTable(): OutputTable | undefined {
    const latest = new Map(this.#latest().map((r) => [r.process, r]));
    const rows = this.health.processes().map((p) => {
      const last = latest.get(p.process);
      return [
        p.process, round1(p.seconds), round1(p.limitedSeconds), last ? round1(last.cpu) : null, last ? round1(last.lagP99) : null, round1(p.maxCpu), round1(p.maxLagP99),
        last && isClientLimited(last) ? 'LIMITED' : '',
      ];
    });
    return {
      id: 'client',
      title: 'Client health',
      columns: ['Process', 'Seconds', 'Limited (s)', 'CPU %', 'Loop lag p99 (ms)', 'Max CPU %', 'Max loop lag p99 (ms)', 'Now'],
      rows,
      charts: clientHealthCharts(this.health.intervals, WEB_CHART_POINTS),
    };
  }

  /** Gauges of each process's last second, and the seconds the client was the limit. */
  prometheus(): string {
    const latest = this.#latest();
    if (latest.length === 0) return '';
    const text = new PrometheusText();
    text.family('locusta_client_cpu_percent', 'gauge', 'CPU of a load-generating process over its last second, in percent of one core');
    for (const r of latest) text.sample('locusta_client_cpu_percent', [['process', r.process]], r.cpu);
    text.family('locusta_client_loop_lag_p99_seconds', 'gauge', "99th percentile of a load-generating process's event-loop lag over its last second");
    for (const r of latest) text.sample('locusta_client_loop_lag_p99_seconds', [['process', r.process]], r.lagP99 / 1000);
    text.family('locusta_client_limited', 'gauge', `1 when some process was the limit in its last second (${CLIENT_LIMIT_RULE}): latencies then include client queueing`);
    text.sample('locusta_client_limited', [], latest.some(isClientLimited) ? 1 : 0);
    text.family('locusta_client_limited_seconds_total', 'counter', 'Seconds of the test in which the client was the limit');
    text.sample('locusta_client_limited_seconds_total', [], this.health.summary().limitedSeconds);
    return text.text();
  }

  json(): unknown {
    const s = this.health.summary();
    if (s.seconds === 0) return undefined;
    return {
      clientLimited: s.limitedSeconds > 0,
      limitedSeconds: s.limitedSeconds,
      seconds: s.seconds,
      maxCpuPercent: round1(s.maxCpu),
      maxLoopLagMs: round1(s.maxLagMs),
      processes: s.processes,
      rule: { cpuPercent: CLIENT_CPU_LIMIT, loopLagP99Ms: CLIENT_LAG_LIMIT_MS },
      // Past the intervals kept, a long run's later ones are only in the numbers above.
      intervalsOmitted: this.health.omitted,
      intervals: this.health.intervals.map((r) => ({
        end: Math.round(r.end * 1000) / 1000, seconds: Math.round(r.seconds * 1000) / 1000, process: r.process,
        cpuPercent: round1(r.cpu), loopLagP50Ms: round1(r.lagP50), loopLagP99Ms: round1(r.lagP99), loopLagMaxMs: round1(r.lagMax),
        clientLimited: isClientLimited(r),
      })),
    };
  }

  takeReport(): unknown {
    const rows = this.health.takeUnsent();
    return rows.length === 0 ? undefined : rows;
  }

  checkReport(value: unknown): string | undefined {
    return checkClientIntervals(value);
  }

  merge(value: unknown): void {
    for (const row of value as ClientInterval[]) {
      const { end, seconds, process, cpu, lagP50, lagP99, lagMax } = row;
      this.health.add({ end, seconds, process, cpu, lagP50, lagP99, lagMax });
    }
  }

  reset(): void {
    this.health.reset();
  }
}

/**
 * Adds the client-health family to a run's environment and samples this process while a test
 * runs: a worker's intervals go under its id, a local run's under `local`; a master (`master`)
 * samples nothing, it merges its workers'. The first limited interval is logged as a warning.
 */
export function clientHealthOf(
  environment: Environment,
  options: { worker: boolean; master: boolean; logger: { warn(message: string): void } },
): ClientHealth {
  const health = new ClientHealth({ process: () => (options.worker ? environment.nodeId : 'local'), sampling: !options.master });
  health.onFirstLimited = (row) =>
    options.logger.warn(
      `The client is the bottleneck (${row.process}: CPU ${Math.round(row.cpu)}% of a core, event-loop lag p99 ${Math.round(row.lagP99)} ms): latencies now include its own queueing`,
    );
  const events = environment.events;
  events.testStart.addListener(() => health.start());
  events.testStopping.addListener(() => health.stop());
  events.quitting.addListener(() => health.stop());
  addOutput(environment, new ClientHealthOutput(health));
  return health;
}
