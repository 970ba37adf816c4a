import { LocustaError } from './errors.ts';

const SPAN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses Locust's time spans into seconds: `20` (seconds), `300s`, `20m`, `3h`, `1h30m`,
 * `1h30m10s`. Anything else throws a LocustaError naming the value.
 */
export function parseTimespan(value: string | number): number {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = SPAN.exec(text);
  if (!text || !m || (!m[1] && !m[2] && !m[3])) {
    throw new LocustaError(
      'LOCUSTA_ERR_TIMESPAN',
      // Locust's words, which scripts may match; the option named before them tells which value.
      'Invalid time span format. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.',
    );
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
