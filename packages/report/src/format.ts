// Number and time formats of the report's tables. They return plain text; callers escape it.

/** Shown where there is no value. */
const NO_VALUE = '–';

/** Milliseconds: more decimals for small values, none from 100 ms. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return NO_VALUE;
  if (ms >= 100) return formatInt(Math.round(ms));
  return trimZeros(ms.toFixed(ms >= 10 ? 1 : 2));
}

/** Counts with thousands separators. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Rates per second, two decimals like Locust's tables. */
export function formatRate(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : NO_VALUE;
}

/** A 0..1 ratio as a percentage. */
export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : NO_VALUE;
}

/** A measured value without a known unit (SLO values). */
export function formatNumber(n: number | null): string {
  if (n == null || !Number.isFinite(n)) return NO_VALUE;
  return Number.isInteger(n) ? formatInt(n) : trimZeros(n.toFixed(Math.abs(n) >= 100 ? 1 : 3));
}

/** `0.999` -> `99.9%`, like Locust's percentile column headers. */
export function percentileLabel(fraction: number): string {
  return `${Number((fraction * 100).toFixed(6))}%`;
}

/** Unix seconds as `2024-05-01 12:00:00 UTC`. */
export function formatUtc(unixSeconds: number): string {
  if (!Number.isFinite(unixSeconds)) return NO_VALUE;
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in seconds as `1h 02m 03s`, `4m 05s` or `6s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NO_VALUE;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
