import { parse } from 'smol-toml';
import type { RawSettings } from './config-file.ts';
import { usageError } from './errors.ts';

/** The tables read, in increasing precedence: Locust's, then Locusta's own. */
const TABLES = [
  ['tool', 'locust'],
  ['tool', 'locusta'],
] as const;

/**
 * Settings of a TOML config file (pyproject.toml or `--config x.toml`), as Locust reads them:
 * the keys of `[tool.locust]` (and `[tool.locusta]`, which wins), lists kept as lists and every
 * other value as text (`true`, `5`, `0.5`). A file without either table gives nothing.
 */
export function parseTomlConfig(text: string, file: string): RawSettings {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw usageError(`${file}: not valid TOML: ${first}`);
  }
  const out: RawSettings = new Map();
  for (const path of TABLES) {
    const table = path.reduce<unknown>((node, key) => (isTable(node) ? node[key] : undefined), doc);
    if (!isTable(table)) continue;
    for (const [rawKey, value] of Object.entries(table)) {
      const key = rawKey.replace(/^-+/, '').replace(/_/g, '-');
      if (isTable(value)) throw usageError(`${file}: [${path.join('.')}] ${rawKey}: a table is not an option value`);
      out.set(key, { value: Array.isArray(value) ? value.map(textOf) : textOf(value), source: file });
    }
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A TOML scalar as the text an option would be given on the command line. */
function textOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : String(value);
}
