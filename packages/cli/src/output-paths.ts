import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { messageOf } from '@locusta/core';
import { usageError } from './errors.ts';
import { htmlFileName } from './html-report.ts';
import type { LocustaOptions } from './options.ts';
import type { RunSettings } from './validate.ts';

/** A file the run will write, and the option (and value) that asked for it. */
interface OutputFile {
  flag: string;
  value: string;
  file: string;
}

/** The files of `--csv` (its first file stands for the prefix), `--html`, `--json-file`, `--hdr-log`, `--logfile`. */
function outputFiles(options: LocustaOptions, settings: RunSettings): OutputFile[] {
  const out: OutputFile[] = [];
  const { csv, html, jsonFile, hdrLog, logfile } = options;
  if (csv) out.push({ flag: '--csv', value: csv, file: `${resolve(csv)}_stats.csv` });
  if (html) out.push({ flag: '--html', value: html, file: resolve(htmlFileName(html, settings)) });
  if (jsonFile) out.push({ flag: '--json-file', value: jsonFile, file: resolve(`${jsonFile}.json`) });
  if (hdrLog) out.push({ flag: '--hdr-log', value: hdrLog, file: resolve(hdrLog) });
  if (logfile) out.push({ flag: '--logfile', value: logfile, file: resolve(logfile) });
  return out;
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
 * folders (as the CSV and HTML writers always did, now for every output).
 */
export function prepareOutputs(options: LocustaOptions, settings: RunSettings): void {
  const files = outputFiles(options, settings);
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
}
