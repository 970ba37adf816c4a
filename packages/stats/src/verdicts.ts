import type { OutputVerdict } from '@locusta/core';
import { formatSlo, formatSloValue } from './slo.ts';
import type { SloResult } from './slo.ts';
import type { StepResult } from './steps-report.ts';

const TIME_METRICS: ReadonlySet<string> = new Set(['percentile', 'avg', 'min', 'max', 'median']);

/** `< 600 ms`, `<= 0.01`, `> 100/s`: an SLO's bound as given, in its own units. */
function boundOf(result: SloResult): string {
  const { metric, op, threshold } = result.slo;
  const unit = TIME_METRICS.has(metric) ? ' ms' : metric === 'rps' || metric === 'fail_rps' ? '/s' : '';
  return `${op} ${threshold}${unit}`;
}

/**
 * The final SLO results as verdicts (suite `SLOs`, one per `--slo`). `abortedBy` is the SLO that
 * stopped the run with `--slo-abort`: it failed then, whatever the final value.
 */
export function sloVerdicts(results: readonly SloResult[], abortedBy?: string): OutputVerdict[] {
  return results.map((r) => {
    const name = formatSlo(r.slo);
    const value = formatSloValue(r.slo, r.value);
    const bound = boundOf(r);
    const aborted = name === abortedBy ? ' (it stopped the run: --slo-abort)' : '';
    return { suite: 'SLOs', name, pass: r.pass, value, bound, message: r.pass ? '' : `SLO ${name} failed: measured ${value}, bound ${bound}${aborted}` };
  });
}

/** The saturation search's steps as verdicts (suite `Steps`): a step fails when one of its SLOs failed on its window. */
export function stepVerdicts(steps: readonly StepResult[]): OutputVerdict[] {
  return steps.map((s) => {
    const name = `step ${s.step}: ${s.users} users`;
    const failed = (s.checks ?? []).filter((c) => !c.pass);
    const checks = s.checks ?? [];
    const value = s.requests === 0 ? 'no requests' : checks.map((c) => `${formatSlo(c.slo)}: ${formatSloValue(c.slo, c.value)}`).join('; ');
    const bound = checks.map((c) => formatSlo(c.slo)).join('; ');
    let message = '';
    if (!s.pass) {
      message =
        s.requests === 0
          ? `step ${s.step} (${s.users} users) made no request`
          : `step ${s.step} (${s.users} users) failed: ${failed.map((c) => `${formatSlo(c.slo)} measured ${formatSloValue(c.slo, c.value)}, bound ${boundOf(c)}`).join('; ')}`;
    }
    return { suite: 'Steps', name, pass: s.pass, value: value || `${s.requests} requests`, bound, message };
  });
}
