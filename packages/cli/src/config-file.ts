import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { usageError } from './errors.ts';

/** Raw `key -> value` settings, as read from a config file or the environment. */
export type RawSettings = Map<string, string | string[] | true>;

/**
 * Reads a locust.conf-style file: `key = value` (or `key: value`), a bare `key` for a flag,
 * `[a, b]` for lists, `#`/`;` comments and `[section]` lines ignored. Keys are long option
 * names without dashes.
 */
export function parseConfigText(text: string, file: string): RawSettings {
  const out: RawSettings = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || /^\[.*\]$/.test(line)) return;
    const m = /^([A-Za-z0-9_-]+)\s*(?:[=:]\s*(.*))?$/.exec(line);
    if (!m) throw usageError(`${file}:${i + 1}: cannot parse '${line}' (expected key = value)`);
    const key = m[1]!.replace(/_/g, '-');
    const value = m[2]?.trim();
    if (value === undefined || value === '') out.set(key, true);
    else if (/^\[.*\]$/.test(value)) out.set(key, splitList(value.slice(1, -1)));
    else out.set(key, value);
  });
  return out;
}

export function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The config files in increasing precedence: ~/.locust.conf, ~/.locusta.conf, ./locust.conf,
 * ./locusta.conf, then --config. Later files win (Locust's effective order for the files it
 * shares with us).
 */
export function readConfigFiles(cwd: string, extra?: string): RawSettings {
  const files = [
    join(homedir(), '.locust.conf'),
    join(homedir(), '.locusta.conf'),
    join(cwd, 'locust.conf'),
    join(cwd, 'locusta.conf'),
  ];
  const merged: RawSettings = new Map();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // an absent default config file is normal
    }
    for (const [k, v] of parseConfigText(text, file)) merged.set(k, v);
  }
  if (extra) {
    const file = resolve(cwd, extra);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw usageError(`Could not read config file ${extra}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    for (const [k, v] of parseConfigText(text, extra)) merged.set(k, v);
  }
  return merged;
}
