/**
 * A small declarative validator for wire messages. A check returns undefined when the value is
 * valid, or the reason it is not, prefixed with the path to the bad field
 * (`entries[3].numRequests: expected an integer in [0, 9007199254740991], got NaN`). Paths are
 * built only on failure: a master validates hundreds of reports a second, and a valid report
 * costs a walk over its fields and nothing more.
 */
export type Check = (value: unknown) => string | undefined;

/** A short rendering of a bad value for a log line. */
function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.length > 20 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function fail(expected: string, v: unknown): string {
  return `expected ${expected}, got ${describeValue(v)}`;
}

/** A plain object (msgpack map), not an array, bytes or an object with another prototype. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An integer in [min, max] (safe integers only). */
export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Check {
  return (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? undefined : fail(`an integer in [${min}, ${max}]`, v));
}

/** A finite number in [min, max]: never NaN or Infinity. */
export function num(min = 0, max = Number.MAX_VALUE): Check {
  return (v) => (typeof v === 'number' && v >= min && v <= max ? undefined : fail(`a finite number in [${min}, ${max}]`, v));
}

export function str(maxLength: number, minLength = 0): Check {
  return (v) =>
    typeof v === 'string' && v.length <= maxLength && v.length >= minLength ? undefined : fail(`a string of ${minLength} to ${maxLength} characters`, v);
}

export function oneOf(...values: readonly unknown[]): Check {
  return (v) => (values.includes(v) ? undefined : fail(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v));
}

/** null or undefined (msgpack nil): messages without data. */
export const nil: Check = (v) => (v === null || v === undefined ? undefined : fail('no data', v));

export function nullable(check: Check): Check {
  return (v) => (v === null || v === undefined ? undefined : check(v));
}

/** The field may be absent (undefined); null is not accepted. */
export function optional(check: Check): Check {
  return (v) => (v === undefined ? undefined : check(v));
}

/** Accepts what any of `checks` accepts; the reason given is the last one's. */
export function either(...checks: Check[]): Check {
  return (v) => {
    let why: string | undefined;
    for (const c of checks) {
      why = c(v);
      if (why === undefined) return undefined;
    }
    return why;
  };
}

/** Any value (data a user listener owns), as long as the frame decoded. */
export const any: Check = () => undefined;

export function arrayOf(item: Check, maxLength: number): Check {
  return (v) => {
    if (!Array.isArray(v)) return fail('an array', v);
    if (v.length > maxLength) return `expected at most ${maxLength} items, got ${v.length}`;
    for (let i = 0; i < v.length; i++) {
      const why = item(v[i]);
      if (why !== undefined) return `[${i}]${why.startsWith('[') || why.startsWith('.') ? '' : ': '}${why}`;
    }
    return undefined;
  };
}

/** A fixed-length array, one check per position. */
export function tuple(...items: Check[]): Check {
  return (v) => {
    if (!Array.isArray(v) || v.length !== items.length) return fail(`an array of ${items.length}`, v);
    for (let i = 0; i < items.length; i++) {
      const why = items[i]!(v[i]);
      if (why !== undefined) return `[${i}]: ${why}`;
    }
    return undefined;
  };
}

/** An object used as a map: at most `maxKeys` keys of at most `maxKeyLength` characters. */
export function record(value: Check, maxKeys: number, maxKeyLength = 256): Check {
  return (v) => {
    if (!isPlainObject(v)) return fail('an object', v);
    let n = 0;
    for (const key in v) {
      if (++n > maxKeys) return `expected at most ${maxKeys} keys`;
      if (key.length > maxKeyLength) return `a key of ${key.length} characters (at most ${maxKeyLength})`;
      const why = value(v[key]);
      if (why !== undefined) return `${JSON.stringify(key.slice(0, 40))}: ${why}`;
    }
    return undefined;
  };
}

/**
 * An object with these fields (others are ignored). `refine` runs once every field passed: the
 * checks across fields (min <= max, counts that must add up); it may also normalise the value
 * in place, e.g. unpack bytes the receiver would otherwise unpack again.
 */
export function object<T = Record<string, unknown>>(shape: Record<string, Check>, refine?: (v: T) => string | undefined): Check {
  const keys = Object.keys(shape);
  const checks = keys.map((k) => shape[k]!);
  return (v) => {
    if (!isPlainObject(v)) return fail('an object', v);
    for (let i = 0; i < keys.length; i++) {
      const why = checks[i]!(v[keys[i]!]);
      if (why !== undefined) return `.${keys[i]}${why.startsWith('[') || why.startsWith('.') ? '' : ': '}${why}`;
    }
    return refine?.(v as T);
  };
}

/** The path of a reason from `object`, without its leading dot: `stats.entries[0].name: ...`. */
export function reason(why: string): string {
  return why.startsWith('.') ? why.slice(1) : why;
}
