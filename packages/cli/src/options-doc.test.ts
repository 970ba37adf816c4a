import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from './options.ts';

// The README's option tables are what users read: they must list every option the CLI takes,
// with its short flag, and nothing it does not take.
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the README's option tables (`| Option | | Meaning |`): options and defaults. */
function documentedRows(): Array<{ options: string; defaults: string }> {
  const rows: Array<{ options: string; defaults: string }> = [];
  let inTable = false;
  for (const line of README.split('\n')) {
    if (/^\| Option \|/.test(line)) inTable = true;
    else if (!line.startsWith('|')) inTable = false;
    else if (inTable && !line.startsWith('|---')) {
      const [, options = '', defaults = ''] = line.split('|');
      rows.push({ options, defaults });
    }
  }
  return rows;
}

/** `--name` in a cell of options. */
function longNamesOf(cell: string): string[] {
  return [...cell.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
}

/** Options yargs adds itself. */
const BUILT_IN = new Map([
  ['version', 'V'],
  ['help', 'h'],
]);

describe("the README's option tables", () => {
  const rows = documentedRows();
  const cells = rows.map((r) => r.options);
  const longNames = new Set(cells.flatMap(longNamesOf));
  const shortPairs = new Map(cells.flatMap((c) => [...c.matchAll(/(?<![\w-])-([A-Za-z]), --([a-z][a-z0-9-]*)/g)].map((m) => [m[2]!, m[1]!] as const)));
  const shortFlags = new Set(cells.flatMap((c) => [...c.matchAll(/(?<![\w-])-([A-Za-z])(?![\w-])/g)].map((m) => m[1]!)));
  const aliases = new Map([...OPTIONS.filter((o) => o.alias).map((o) => [o.name, o.alias!] as const), ...BUILT_IN]);

  it('are found', () => {
    expect(cells.length).toBeGreaterThan(30);
  });

  it('document every option that --help shows', () => {
    const missing = OPTIONS.filter((o) => !o.hidden && !longNames.has(o.name)).map((o) => `--${o.name}`);
    expect(missing).toEqual([]);
  });

  it('document no option that does not exist', () => {
    const known = new Set([...OPTIONS.map((o) => o.name), ...BUILT_IN.keys()]);
    expect([...longNames].filter((n) => !known.has(n)).map((n) => `--${n}`)).toEqual([]);
    const knownShort = new Set(aliases.values());
    expect([...shortFlags].filter((s) => !knownShort.has(s)).map((s) => `-${s}`)).toEqual([]);
  });

  it('give every short flag, next to its long name', () => {
    const wrong = [...aliases]
      .filter(([name, alias]) => shortPairs.get(name) !== alias)
      .map(([name, alias]) => `-${alias}, --${name} (README: ${shortPairs.has(name) ? `-${shortPairs.get(name)}` : 'none'})`);
    expect(wrong).toEqual([]);
  });

  it('give the default of the table where a row gives defaults', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const given = row.defaults.split(/[\s,`()]+/).filter(Boolean);
      if (given.length === 0) continue;
      for (const name of longNamesOf(row.options)) {
        const value = OPTIONS.find((o) => o.name === name)?.default;
        if ((typeof value === 'number' || (typeof value === 'string' && value !== '')) && !given.includes(String(value))) {
          wrong.push(`--${name}: table ${String(value)}, README '${row.defaults.trim()}'`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
