import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { usageError } from './errors.ts';
import { parseTomlConfig } from './toml-config.ts';

/**
 * One setting read from a config file or the environment. `bare` marks a key written without
 * a value (`headless`), which switches a flag on; `source` names the file or the variable, for
 * messages.
 */
export interface RawSetting {
  value: string | string[];
  bare?: boolean;
  source: string;
}

/** Raw settings keyed by long option name (`spawn-rate`), later files having won. */
export type RawSettings = Map<string, RawSetting>;

/**
 * One line of Locust's config syntax (ConfigArgParse's default parser): a key, then `=`, `:` or
 * whitespace, then a value in optional matching quotes, then an optional comment that starts
 * with whitespace and `#` or `;` (so `http://x/#frag` keeps its `#`).
 */
const LINE = /^(?<key>[^:=;#\s]+)\s*(?:(?<sep>[:=\s])\s*(?<quote>['"]?)(?<value>.+?)?\k<quote>)?\s*(?:\s[;#]\s*.*?\s*)?$/;

/**
 * Reads a locust.conf-style file as Locust does: `key = value`, `key: value`, `key value` or
 * `--key value`; a bare `key` for a flag; `[a, b]` (or JSON `["a", "b"]`) for lists; quotes
 * around a value stripped; `#`/`;` comments, `[section]` and `---` lines skipped. Keys are long
 * option names; underscores read as dashes.
 */
export function parseConfigText(text: string, file: string): RawSettings {
  const out: RawSettings = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('[') || line.startsWith('---')) return;
    const m = LINE.exec(line);
    if (!m?.groups) throw usageError(`${file}:${i + 1}: cannot parse '${line}' (expected key = value)`);
    const { key: rawKey, sep, value } = m.groups;
    const key = rawKey!.replace(/^-+/, '').replace(/_/g, '-');
    // `key =` is an empty value; `key` alone (or `key` and spaces) switches a flag on.
    if (value === undefined) {
      if (sep === '=' || sep === ':') out.set(key, { value: '', source: file });
      else out.set(key, { value: 'true', bare: true, source: file });
    } else {
      out.set(key, { value: listOrText(value), source: file });
    }
  });
  return out;
}

/**
 * `[a, b]` is a list: JSON when it parses as a JSON array, else split on commas only (Locust's
 * legacy form keeps `[a b]` as the one item `a b`). Anything else stays text.
 */
export function listOrText(value: string): string | string[] {
  if (!(value.startsWith('[') && value.endsWith(']'))) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  } catch {
    // not JSON: the legacy form below
  }
  const inner = value.slice(1, -1);
  return inner.trim() === '' ? [] : inner.split(',').map((item) => item.trim());
}

/** Reads one config file: TOML when its name ends in `toml`, Locust's syntax otherwise. */
function parseConfigFile(text: string, file: string): RawSettings {
  return file.endsWith('toml') ? parseTomlConfig(text, file) : parseConfigText(text, file);
}

/**
 * The config files in increasing precedence: ~/.locust.conf, ~/.locusta.conf, ./locust.conf,
 * ./locusta.conf, ./pyproject.toml, then --config. A later file wins, as in Locust (whose code
 * lets pyproject.toml win over locust.conf, and --config over both).
 */
export function readConfigFiles(cwd: string, extra?: string): RawSettings {
  const files = [
    join(homedir(), '.locust.conf'),
    join(homedir(), '.locusta.conf'),
    join(cwd, 'locust.conf'),
    join(cwd, 'locusta.conf'),
    join(cwd, 'pyproject.toml'),
  ];
  const merged: RawSettings = new Map();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // an absent default config file is normal
    }
    const name = file.startsWith(cwd) ? basename(file) : file;
    for (const [k, v] of parseConfigFile(text, name)) merged.set(k, v);
  }
  if (extra) {
    const file = resolve(cwd, extra.replace(/^~(?=$|\/)/, homedir()));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw usageError(`Could not read config file ${extra}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    for (const [k, v] of parseConfigFile(text, extra)) merged.set(k, v);
  }
  return merged;
}
