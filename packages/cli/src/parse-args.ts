import type { CommandLineParser } from '@locusta/core';
import yargs from 'yargs';
import type { Argv, Options } from 'yargs';
import { Parser } from 'yargs/helpers';
import type { RawSettings } from './config-file.ts';
import { splitList } from './config-file.ts';
import { usageError } from './errors.ts';
import type { OptionSpec, OptionType } from './options.ts';
import { OPTIONS, envValue } from './options.ts';
import { parseNumberOption } from './number-option.ts';

/** An option a user file added through `events.initCommandLineParser`. */
export interface CustomOption {
  name: string;
  options: Options;
}

/** What the first pass needs before the user files are loaded. */
export interface EarlyArgs {
  locustfile?: string;
  config?: string;
  help: boolean;
  version: boolean;
  /** Where a `-f -` worker fetches its user files. */
  masterHost?: string;
  masterPort?: string;
  masterToken?: string;
  masterTls: boolean;
  masterTlsCa?: string;
}

/** The first of Locust's two passes: only what is needed to find and load the user files. */
export function parseEarly(argv: string[]): EarlyArgs {
  const parsed = Parser(argv, {
    // The port stays text here: main reads it with parseNumberOption.
    string: ['locustfile', 'config', 'master-host', 'master-port', 'master-token', 'master-tls-ca'],
    boolean: ['help', 'version', 'master-tls'],
    alias: { locustfile: ['f'], help: ['h'], version: ['V'] },
    configuration: { 'unknown-options-as-args': true },
  });
  return {
    locustfile: typeof parsed['locustfile'] === 'string' ? parsed['locustfile'] : undefined,
    config: typeof parsed['config'] === 'string' ? parsed['config'] : undefined,
    help: Boolean(parsed['help']),
    version: Boolean(parsed['version']),
    masterHost: typeof parsed['master-host'] === 'string' ? parsed['master-host'] : undefined,
    masterPort: typeof parsed['master-port'] === 'string' ? parsed['master-port'] : undefined,
    masterToken: typeof parsed['master-token'] === 'string' ? parsed['master-token'] : undefined,
    masterTls: Boolean(parsed['master-tls']),
    masterTlsCa: typeof parsed['master-tls-ca'] === 'string' ? parsed['master-tls-ca'] : undefined,
  };
}

/** Collects custom options; handed to `initCommandLineParser` listeners. */
export class CustomOptionCollector implements CommandLineParser {
  readonly options: CustomOption[] = [];

  option(name: string, options: Record<string, unknown>): CommandLineParser {
    const clean = name.replace(/^-+/, '');
    if (this.options.some((o) => o.name === clean) || OPTIONS.some((o) => o.name === clean)) {
      throw usageError(`The option --${clean} is defined twice`);
    }
    this.options.push({ name: clean, options: { group: 'Custom options', ...options } as Options });
    return this;
  }

  /** Locust's `parser.add_argument('--model', type=str, default='x', help='...')`, JS-style. */
  addArgument(flag: string, options: Record<string, unknown> = {}): CommandLineParser {
    const { help, action, type, ...rest } = options;
    let yType: OptionType = 'string';
    if (action === 'store_true' || type === Boolean || type === 'bool' || type === 'boolean') yType = 'boolean';
    else if (type === Number || type === 'int' || type === 'float' || type === 'number') yType = 'number';
    return this.option(flag, { ...rest, type: yType, describe: help ?? rest['describe'] });
  }
}

/** A config-file or environment value that switches a flag on. */
export function isTrueText(text: string): boolean {
  return /^(true|yes|on|1)$/i.test(text);
}

/** Converts a string from a config file or the environment to the option's type. */
function convert(value: string | string[] | true, type: OptionType | undefined, key: string): unknown {
  // A bare key switches a flag on; text, numbers and lists would take `true` as their value.
  if (value === true && (type === 'string' || type === 'array' || type === 'number')) throw usageError(`Missing value for ${key} (from a config file): write '${key} = VALUE'`);
  if (value === true) return true;
  if (type === 'array') return Array.isArray(value) ? value : splitList(value.replace(/^\[|\]$/g, ''));
  const text = Array.isArray(value) ? value.join(',') : value;
  if (type === 'boolean') {
    if (isTrueText(text)) return true;
    if (/^(false|no|off|0)$/i.test(text)) return false;
    throw usageError(`Invalid value '${text}' for ${key}: expected true or false`);
  }
  if (type === 'number') {
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n)) throw usageError(`Invalid value '${text}' for ${key}: expected a number`);
    return n;
  }
  return text;
}

function typeOf(spec: OptionSpec | CustomOption): OptionType | undefined {
  return 'options' in spec ? (spec.options.type as OptionType | undefined) : spec.type;
}

/**
 * Settings from config files and the environment (environment wins), typed, keyed by long
 * option name. Unknown config keys are usage errors, as in Locust.
 */
export function settingsFromFilesAndEnv(files: RawSettings, env: NodeJS.ProcessEnv, custom: CustomOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const specs = new Map<string, OptionSpec | CustomOption>();
  for (const o of OPTIONS) specs.set(o.name, o);
  for (const c of custom) specs.set(c.name, c);
  for (const [key, value] of files) {
    const spec = specs.get(key);
    if (!spec) throw usageError(`unrecognized arguments: --${key} (from a config file)`);
    out[key] = convert(value, typeOf(spec), key);
  }
  for (const o of OPTIONS) {
    if (o.name === 'config') continue; // read with the config files (readConfigFiles)
    const found = envValue(env, o);
    if (found) out[o.name] = convert(found.value, o.type, found.variable);
  }
  for (const c of custom) {
    const found = envValue(env, { name: c.name, env: `LOCUST_${c.name.toUpperCase().replace(/-/g, '_')}` });
    if (found) out[c.name] = convert(found.value, typeOf(c), found.variable);
  }
  return out;
}

/** The full yargs parser: Locust's options, the custom ones, and positional class names. */
export function buildParser(argv: string[], custom: CustomOption[], settings: Record<string, unknown>): Argv {
  let y = yargs(argv)
    .scriptName('locusta')
    .usage('Usage: locusta [options] [UserClass ...]')
    .parserConfiguration({ 'boolean-negation': false, 'duplicate-arguments-array': false })
    .strictOptions()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .option('version', { alias: 'V', type: 'boolean', describe: 'Show the version and exit', group: 'Common options' })
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw usageError(msg || err?.message || 'invalid arguments');
    });
  for (const o of OPTIONS) {
    const opt: Options = { type: o.type, describe: o.describe, group: o.group, hidden: o.hidden };
    if (o.alias) opt.alias = o.alias;
    if (o.default !== undefined) opt.default = o.default;
    if (o.type === 'string' || o.type === 'number') opt.requiresArg = true;
    // List items are text (as argparse gives them): yargs would make `-T 2024` the number 2024.
    if (o.type === 'array') opt.string = true;
    if (o.oneValue) opt.nargs = 1;
    if (o.type === 'number') {
      // Read as text and converted here, so a bad value is echoed as typed (yargs makes it NaN).
      opt.type = 'string';
      opt.coerce = (value: unknown) => parseNumberOption(o, value);
    }
    y = y.option(o.name, opt);
  }
  for (const c of custom) {
    const numeric = c.options.type === 'number' && !c.options.coerce;
    y = y.option(c.name, numeric ? { ...c.options, type: 'string', coerce: (value: unknown) => parseNumberOption(c, value) } : c.options);
  }
  // Config files and environment variables sit under the command line (yargs' config layer).
  return y.config(settings);
}

/**
 * Every value of an option given several times (`--slo a --slo b=` or `--slo=a`). The parser
 * keeps the last value of a repeated option, as argparse does; options meant to accumulate
 * read the command line again here.
 */
export function repeatedValues(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === flag && i + 1 < argv.length) out.push(argv[++i]!);
    else if (arg.startsWith(`${flag}=`)) out.push(arg.slice(flag.length + 1));
  }
  return out;
}
