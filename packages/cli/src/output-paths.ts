import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { messageOf } from '@locusta/core';
import { usageError } from './errors.ts';
import type { LocustaOptions } from './options.ts';
import type { RunSettings } from './validate.ts';

/** A file the run will write, and the option (and value) that asked for it. */
interface OutputFile {
  flag: string;
  value: string;
  file: string;
}

/** `--csv PREFIX`'s file with this suffix: `PREFIX_<suffix>.csv` (`*` names them all, in messages). */
export function csvFileName(prefix: string, suffix: string): string {
  return `${prefix}_${suffix}.csv`;
}

/**
 * The names of every file a run writes, derived once from the options: `--csv PREFIX` files are
 * `PREFIX_<suffix>.csv`, `--json-file NAME` is `NAME.json` (an output family's part
 * `NAME_<family>.json`), `--html` gets Locust's {u} {r} {t} substitutions. Absolute paths.
 */
export class OutputPaths {
  readonly #csv: { value: string; prefix: string } | undefined;
  readonly #json: { value: string; base: string } | undefined;
  readonly #html: { value: string; file: string } | undefined;
  readonly #hdrLog: { value: string; file: string } | undefined;
  readonly #logfile: { value: string; file: string } | undefined;
  readonly #requestsLog: { value: string; file: string } | undefined;
  readonly #junit: { value: string; file: string } | undefined;

  constructor(options: LocustaOptions, settings: { users: number; spawnRate: number; runTime: number | undefined }) {
    const csv = options.csv || undefined;
    this.#csv = csv === undefined ? undefined : { value: csv, prefix: resolve(csv) };
    const json = options.jsonFile || undefined;
    this.#json = json === undefined ? undefined : { value: json, base: resolve(json) };
    const html = options.html || undefined;
    this.#html = html === undefined ? undefined : { value: html, file: resolve(htmlFileName(html, settings)) };
    const hdr = options.hdrLog || undefined;
    this.#hdrLog = hdr === undefined ? undefined : { value: hdr, file: resolve(hdr) };
    const log = options.logfile || undefined;
    this.#logfile = log === undefined ? undefined : { value: log, file: resolve(log) };
    const requests = options.requestsLog || undefined;
    this.#requestsLog = requests === undefined ? undefined : { value: requests, file: resolve(requests) };
    const junit = options.junit || undefined;
    this.#junit = junit === undefined ? undefined : { value: junit, file: resolve(junit) };
  }

  /** `--csv`'s prefix (absolute), when CSV files are written. */
  get csvPrefix(): string | undefined {
    return this.#csv?.prefix;
  }

  /** `PREFIX_<suffix>.csv`; `*` names them all (in messages about a failed write). */
  csv(suffix: string): string {
    if (!this.#csv) throw new Error('no --csv prefix');
    return csvFileName(this.#csv.prefix, suffix);
  }

  /** `NAME.json`, or an output family's `NAME_<part>.json`; undefined without `--json-file`. */
  json(part?: string): string | undefined {
    if (!this.#json) return undefined;
    return part === undefined ? `${this.#json.base}.json` : `${this.#json.base}_${part}.json`;
  }

  get html(): string | undefined {
    return this.#html?.file;
  }

  get hdrLog(): string | undefined {
    return this.#hdrLog?.file;
  }

  /** `--requests-log`'s file: a JSON line per request. */
  get requestsLog(): string | undefined {
    return this.#requestsLog?.file;
  }

  /** `--junit`'s file: the verdicts as JUnit XML. */
  get junit(): string | undefined {
    return this.#junit?.file;
  }

  /** The files to check before the run: `--csv`'s first file stands for the prefix. */
  checked(): OutputFile[] {
    const out: OutputFile[] = [];
    if (this.#csv) out.push({ flag: '--csv', value: this.#csv.value, file: this.csv('stats') });
    if (this.#html) out.push({ flag: '--html', value: this.#html.value, file: this.#html.file });
    if (this.#json) out.push({ flag: '--json-file', value: this.#json.value, file: this.json()! });
    if (this.#hdrLog) out.push({ flag: '--hdr-log', value: this.#hdrLog.value, file: this.#hdrLog.file });
    if (this.#requestsLog) out.push({ flag: '--requests-log', value: this.#requestsLog.value, file: this.#requestsLog.file });
    if (this.#junit) out.push({ flag: '--junit', value: this.#junit.value, file: this.#junit.file });
    if (this.#logfile) out.push({ flag: '--logfile', value: this.#logfile.value, file: this.#logfile.file });
    return out;
  }
}

/** `--html` file name with Locust's substitutions: {u} users, {r} spawn rate, {t} run time (whole numbers). */
function htmlFileName(pattern: string, settings: { users: number; spawnRate: number; runTime: number | undefined }): string {
  const whole = (v: number | undefined) => String(Math.trunc(v ?? 0));
  return pattern.replaceAll('{u}', whole(settings.users)).replaceAll('{r}', whole(settings.spawnRate)).replaceAll('{t}', whole(settings.runTime));
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `file` cannot be written, if it cannot: missing folders are fine, they are made. */
function problemOf(file: string): string | undefined {
  const own = statOf(file);
  if (own?.isDirectory()) return 'it is a directory';
  if (own) return writable(file) ? undefined : 'permission denied';
  let dir = dirname(file);
  for (;;) {
    const st = statOf(dir);
    if (st) {
      if (!st.isDirectory()) return `${dir} is not a directory`;
      return writable(dir) ? undefined : `${dir} is not writable`;
    }
    const up = dirname(dir);
    if (up === dir) return `${dir} does not exist`;
    dir = up;
  }
}

/**
 * Checks every output file before the run, so that a path where nothing can be written is a
 * usage error at once rather than a failed write after the whole test; then makes the missing
 * folders (as the CSV and HTML writers always did, now for every output). Returns the names.
 */
export function prepareOutputs(options: LocustaOptions, settings: RunSettings): OutputPaths {
  const paths = new OutputPaths(options, settings);
  const files = paths.checked();
  for (const f of files) {
    const problem = problemOf(f.file);
    if (problem) throw usageError(`argument ${f.flag}: cannot write '${f.value}': ${problem}`);
  }
  for (const f of files) {
    try {
      mkdirSync(dirname(f.file), { recursive: true });
    } catch (err) {
      throw usageError(`argument ${f.flag}: cannot write '${f.value}': ${messageOf(err)}`);
    }
  }
  return paths;
}
