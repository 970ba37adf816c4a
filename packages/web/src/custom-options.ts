import { camelCase, LocustaError } from '@locusta/core';
import type { WebCustomOption } from './web-custom-option.ts';

/** The form field names that set an option: its name, Locust's underscored dest, and camelCase. */
export function fieldNames(name: string): string[] {
  return [...new Set([name, name.replace(/-/g, '_'), camelCase(name)])];
}

/** Thrown for a posted value that does not fit its option's type. */
export class OptionValueError extends LocustaError {
  constructor(message: string) {
    super('LOCUSTA_ERR_OPTION_VALUE', message);
  }
  override get name(): string {
    return 'OptionValueError';
  }
}

/**
 * Converts posted values to an option's type: numbers must parse, booleans are `true` for
 * `true`/`on`/`1`/`yes` (Locust compares with "true"; a checkbox posts "on"), arrays are the
 * repeated field or one comma-separated value.
 */
export function convertOptionValue(option: WebCustomOption, values: readonly string[]): unknown {
  const first = values[values.length - 1] ?? '';
  switch (option.type ?? 'string') {
    case 'number': {
      const n = Number(first);
      if (first.trim() === '' || !Number.isFinite(n)) {
        throw new OptionValueError(`Invalid value '${first}' for ${option.name}: expected a number`);
      }
      return n;
    }
    case 'boolean':
      return /^(true|on|1|yes)$/i.test(first.trim());
    case 'array':
      return values.length > 1 ? [...values] : first === '' ? [] : first.split(',').map((s) => s.trim());
    default:
      return first;
  }
}
