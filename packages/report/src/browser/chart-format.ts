import { NO_VALUE, formatInt } from '../format.ts';

// Number texts of the report's charts: axis ticks and legend values.

/** An axis or legend value: short (1.2k, 3.4M), more decimals the smaller it is. */
export function chartNumber(v: number | null | undefined): string {
  if (v == null || !isFinite(v)) return NO_VALUE;
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return String(+v.toFixed(1));
  return String(+v.toFixed(3));
}

/** A count with thousands separators. */
export function chartCount(v: number | null | undefined): string {
  return v == null ? NO_VALUE : formatInt(v);
}

/** x in nines as a percentile: 0 -> 0%, 1 -> 90%, 2 -> 99%, ... */
export function ninesLabel(x: number): string {
  const pct = (1 - Math.pow(10, -x)) * 100;
  return `${String(+pct.toFixed(Math.max(1, Math.ceil(x))))}%`;
}
