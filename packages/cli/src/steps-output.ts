import type { OutputCsvFile, OutputExtension, OutputSection, OutputVerdict } from '@locusta/core';
import { stepsTable } from '@locusta/report';
import { formatSaturation, formatStepsTable, stepVerdicts, stepsCsv } from '@locusta/stats';
import type { StepResult } from '@locusta/stats';
import type { StepSearch } from './step-search.ts';

/**
 * The saturation search's steps as an output family: the steps table and the saturation line
 * in the console summary, PREFIX_steps.csv and the report's Steps section. Nothing without a
 * search (`--step-users`); a search that ran no step still says so. Master-side only: the steps
 * are judged on the merged statistics, so there is nothing to merge or reset.
 */
export class StepsOutput implements OutputExtension {
  readonly name = 'steps';
  readonly placement = 'verdicts';
  /** The run's search, set when it starts. */
  search: StepSearch | undefined;
  /** Whether the load generator was its own bottleneck during some of [t0, t1] (Unix seconds). */
  clientLimitedBetween: ((t0: number, t1: number) => boolean) | undefined;

  /** Per step: the client was limited during it (its latencies include the client's queueing). */
  #limited(results: readonly StepResult[]): boolean[] {
    return results.map((r) => this.clientLimitedBetween?.(r.start, r.end) ?? false);
  }

  consoleTable(): string {
    const s = this.search;
    return s ? `${formatStepsTable(s.results, this.#limited(s.results))}${formatSaturation(s.results, s.sloText)}\n` : '';
  }

  csvFiles(): OutputCsvFile[] {
    const s = this.search;
    return s ? [{ suffix: 'steps', content: stepsCsv(s.results) }] : [];
  }

  /** A verdict per judged step: `--junit`'s Steps suite. */
  verdicts(): OutputVerdict[] {
    return this.search ? stepVerdicts(this.search.results) : [];
  }

  htmlSection(): OutputSection | undefined {
    const s = this.search;
    if (!s) return undefined;
    const limited = this.#limited(s.results);
    const steps = s.results.map((r, i) => ({
      users: r.users, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, failRatio: r.failRatio, pass: r.pass, clientLimited: limited[i] === true,
    }));
    const first = s.results.find((r) => !r.pass);
    const saturation = { users: first ? first.users : null, slo: s.sloText ?? '' };
    return { id: 'steps', title: 'Steps', html: stepsTable(steps, saturation), scroll: false };
  }
}
