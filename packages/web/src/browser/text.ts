import { escapeHtml } from '@locusta/report/escape';

// Texts of the page: every value from the server goes through esc() before it reaches markup.

/** HTML-escaped text of any value; null and undefined are empty. */
export function esc(v: unknown): string {
  return escapeHtml(v === null || v === undefined ? '' : String(v));
}

/** A number rounded to `digits` decimals, or `-` when there is none. */
export function round(v: unknown, digits?: number): string {
  if (v === null || v === undefined || v === '') return '-';
  const n = Number(v);
  if (!isFinite(n)) return '-';
  const f = Math.pow(10, digits || 0);
  return String(Math.round(n * f) / f);
}
