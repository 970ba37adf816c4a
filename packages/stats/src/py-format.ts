// Python-compatible number and string formatting. Locust's CSV and console output comes from
// Python's repr(), %-formatting and csv module, so matching it byte for byte needs these.

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integral values, exponent outside [1e-4, 1e16). */
export function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does.
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Python's `repr(str)`: single quotes unless the text has a `'` and no `"`; escapes like CPython. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // C0/C1 controls and DEL are not printable in Python; other non-ASCII text is kept as is.
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's `'%.Nf' % n`. JavaScript's toFixed rounds exact binary ties away from zero; Python
 * rounds them to even (`'%.2f' % 0.125 == '0.12'`), so ties are detected and fixed here.
 */
export function pyFixed(n: number, decimals: number): string {
  if (!Number.isFinite(n)) return pyFloat(n);
  if (n < 0 || Object.is(n, -0)) return `-${pyFixed(-n, decimals)}`;
  const fixed = n.toFixed(decimals);
  if (n >= 1e21) return fixed;
  // toFixed(100) is the exact decimal expansion for the magnitudes reported here.
  const exact = n.toFixed(100);
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + decimals);
  if (!/^50*$/.test(rest)) return fixed;
  const truncated = exact.slice(0, decimals === 0 ? point : point + 1 + decimals);
  const lastDigit = Number(truncated[truncated.length - 1]);
  return lastDigit % 2 === 0 ? truncated : fixed;
}

/** Python's `'%d' % n`: floats are truncated toward zero. */
export function pyInt(n: number): string {
  return String(Math.trunc(n));
}

/** Python's `%-Ns` (left-aligned, never truncated). */
export function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Python's `%Ns` (right-aligned, never truncated). */
export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** Locust's `format_utc_timestamp`: whole seconds, `%Y-%m-%dT%H:%M:%SZ`. */
export function formatUtcSeconds(unixSeconds: number): string {
  return new Date(Math.trunc(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Python's `round(x, -digits)` for x >= 0, half to even on the exact binary value
 * (fmod is exact, so ties are real ties).
 */
export function pyRoundNegDigits(x: number, digits: number): number {
  const unit = 10 ** digits;
  const rest = x % unit;
  const base = x - rest;
  const half = unit / 2;
  if (rest > half) return base + unit;
  if (rest < half) return base;
  return (base / unit) % 2 === 0 ? base : base + unit;
}
