import { camelCase, LocustaError } from '@locusta/core';

/** A custom option of the user file (`events.initCommandLineParser`), shown in the start form. */
export interface WebCustomOption {
  /** The long option name as declared, without dashes: `model`, `max-tokens`. */
  name: string;
  /** The value the form starts with: the parsed value of this run, else the option's default. */
  default?: unknown;
  help?: string;
  /** @default 'string' */
  type?: 'string' | 'number' | 'boolean' | 'array';
  /** When given, the form offers these values only. */
  choices?: ReadonlyArray<string | number>;
  /** A password-type field (the value still travels in clear over plain HTTP). */
  secret?: boolean;
}

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
