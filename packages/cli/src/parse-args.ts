import type { CommandLineParser } from '@locusta/core';
import yargs from 'yargs';
import type { Argv, Options } from 'yargs';
import { Parser } from 'yargs/helpers';
import type { RawSetting, RawSettings } from './config-file.ts';
import { listOrText } from './config-file.ts';
import { LOCUST_ONLY_OPTIONS } from './locust-options.ts';
import { nearestName } from './nearest-name.ts';
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

/**
 * Converts a value from a config file or the environment to the option's type. A list option
 * given text (not `[a, b]`) takes it as one item, as argparse takes `--tags="a b"`.
 */
function convert(setting: RawSetting, type: OptionType | undefined, key: string): unknown {
  const { value } = setting;
  const name = setting.source === key ? key : `${key} (from ${setting.source})`;
  // A bare key switches a flag on; text, numbers and lists would take `true` as their value.
  if (setting.bare && (type === 'string' || type === 'array' || type === 'number')) throw usageError(`Missing value for ${name}: write '${key} = VALUE'`);
  if (type === 'array') return Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) throw usageError(`${name} can't be set to a list`);
  if (type === 'boolean') {
    if (isTrueText(value)) return true;
    if (/^(false|no|off|0)$/i.test(value)) return false;
    throw usageError(`Unexpected value for ${name}: '${value}'. Expecting 'true', 'false', 'yes', 'no', 'on', 'off', '1' or '0'`);
  }
  if (type === 'number') {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw usageError(`Invalid value '${value}' for ${name}: expected a number`);
    return n;
  }
  return value;
}

function typeOf(spec: OptionSpec | CustomOption): OptionType | undefined {
  return 'options' in spec ? (spec.options.type as OptionType | undefined) : spec.type;
}

/**
 * An environment variable's value as a raw setting. For a list option Locust has, `[a, b]`
 * (JSON or comma separated) is a list and anything else one item, as ConfigArgParse reads
 * `LOCUST_TAGS="a b"`; Locusta's own lists (`LOCUSTA_GOODPUT='ttft:500 e2e:9000'`) split on
 * spaces and commas.
 */
function envSetting(found: { value: string; variable: string }, type: OptionType | undefined, locusts: boolean): RawSetting {
  if (type !== 'array') return { value: found.value, source: found.variable };
  const value = locusts || /^\[.*\]$/.test(found.value) ? listOrText(found.value) : found.value.split(/[,\s]+/).filter(Boolean);
  return { value, source: found.variable };
}

/** What the config files and the environment set, typed, and warnings about keys left out. */
export interface FileAndEnvSettings {
  settings: Record<string, unknown>;
  warnings: string[];
}

/**
 * Settings from config files and the environment (environment wins), typed, keyed by long
 * option name. An unknown config key is a usage error naming the nearest option, as in Locust;
 * a key only Locust knows is left out with a warning, so one config file serves both tools.
 */
export function settingsFromFilesAndEnv(files: RawSettings, env: NodeJS.ProcessEnv, custom: CustomOption[]): FileAndEnvSettings {
  const settings: Record<string, unknown> = {};
  const warnings: string[] = [];
  const specs = new Map<string, OptionSpec | CustomOption>();
  for (const o of OPTIONS) specs.set(o.name, o);
  for (const c of custom) specs.set(c.name, c);
  for (const [key, setting] of files) {
    const spec = specs.get(key);
    if (spec) settings[key] = convert(setting, typeOf(spec), key);
    else if (LOCUST_ONLY_OPTIONS.has(key)) warnings.push(`${setting.source}: '${key}' is a Locust option Locusta does not have; it is ignored`);
    else throw usageError(unknownOptionMessage(`--${key}`, [...specs.keys()], ` (from ${setting.source})`));
  }
  for (const o of OPTIONS) {
    if (o.name === 'config') continue; // read with the config files (readConfigFiles)
    const found = envValue(env, o);
    if (found) settings[o.name] = convert(envSetting(found, o.type, o.env !== undefined), o.type, found.variable);
  }
  for (const c of custom) {
    const found = envValue(env, { name: c.name, env: `LOCUST_${c.name.toUpperCase().replace(/-/g, '_')}` });
    if (found) settings[c.name] = convert(envSetting(found, typeOf(c), true), typeOf(c), found.variable);
  }
  return { settings, warnings };
}

/** Locust's message for an unknown flag, with the option most like it. */
function unknownOptionMessage(flag: string, names: readonly string[], where = ''): string {
  const nearest = nearestName(flag, names.map((n) => `--${n}`));
  return `unrecognized arguments: ${flag}${where}${nearest ? `. Did you mean '${nearest}'?` : ''}`;
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
      const unknown = /^Unknown arguments?:/.test(msg ?? '') ? firstUnknownFlag(argv, custom) : undefined;
      if (unknown) throw usageError(unknownOptionMessage(unknown, [...OPTIONS.map((o) => o.name), ...custom.map((c) => c.name), 'help', 'version']));
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

/** The first flag of the command line that no option takes (`--userz` or `--userz=5`). */
function firstUnknownFlag(argv: readonly string[], custom: readonly CustomOption[]): string | undefined {
  const known = new Set(['--help', '-h', '--version', '-V']);
  for (const o of OPTIONS) {
    known.add(`--${o.name}`);
    if (o.alias) known.add(`-${o.alias}`);
  }
  for (const c of custom) known.add(`--${c.name}`);
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || /^-\d/.test(arg)) continue;
    const flag = arg.split('=', 1)[0]!;
    if (!known.has(flag)) return flag;
  }
  return undefined;
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
