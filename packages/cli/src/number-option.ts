import { MAX_USERS } from '@locusta/core';
import { usageError } from './errors.ts';
import type { OptionName, OptionSpec } from './options.ts';

/** How a numeric option is read: argparse's int or float, and the values that make sense. */
interface NumberRule {
  float?: boolean;
  min?: number;
  max?: number;
  /** The valid values, for the message; built from min and max when not given. */
  range?: string;
}

const PORT = { min: 1, max: 65535, range: 'a port number from 1 to 65535' };
// Port 0 for a server means "any free port", which the log then names.
const SERVER_PORT = { min: 0, max: 65535, range: 'a port number from 0 (any free port) to 65535' };

const RULES: Readonly<Partial<Record<OptionName, NumberRule>>> = {
  users: { min: 0, max: MAX_USERS, range: `a whole number from 0 to ${MAX_USERS} (the most users a test may start)` },
  'spawn-rate': { float: true },
  'web-port': SERVER_PORT,
  'master-bind-port': SERVER_PORT,
  'master-port': PORT,
  'expect-workers': { min: 1 },
  'expect-workers-max-wait': { min: 0 },
  autoquit: { min: -1, range: '>= 0 seconds, or -1 for never' },
  'exit-code-on-error': { min: 0, max: 255, range: 'from 0 to 255' },
  'arrival-rate': { float: true, min: 0 },
  'step-users': { min: 1 },
  'prompt-tokens': { min: 1 },
  'prefix-tokens': { min: 0 },
  'output-tokens': { min: 1 },
  'usage-tolerance': { min: 0 },
};

const INT = /^\s*[+-]?\d+\s*$/;

export function flagOf(spec: Pick<OptionSpec, 'name' | 'alias'>): string {
  return spec.alias ? `-${spec.alias}/--${spec.name}` : `--${spec.name}`;
}

/**
 * Reads a numeric option as argparse would (`invalid int value: 'abc'`, echoing what was typed),
 * then checks its range. Values from config files and the environment arrive as numbers already.
 */
export function parseNumberOption(spec: Pick<OptionSpec, 'name' | 'alias'>, value: unknown): number {
  // Custom options of user files have no rule: any number.
  const rule = RULES[spec.name as OptionName] ?? { float: true };
  const text = String(value);
  const n = typeof value === 'number' ? value : rule.float ? (text.trim() === '' ? NaN : Number(text)) : INT.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || (!rule.float && !Number.isInteger(n))) {
    throw usageError(`argument ${flagOf(spec)}: invalid ${rule.float ? 'float' : 'int'} value: '${text}'`);
  }
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    const range = rule.range ?? (rule.max === undefined ? `>= ${rule.min}` : `from ${rule.min} to ${rule.max}`);
    throw usageError(`argument ${flagOf(spec)}: invalid value '${text}': must be ${range}`);
  }
  return n;
}
