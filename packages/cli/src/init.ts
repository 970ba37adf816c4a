import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError, fileError } from './errors.ts';
import { STARTER_CONF, STARTER_LOCUSTFILE, STARTER_TSCONFIG } from './init-files.ts';

const FILES: ReadonlyArray<readonly [string, string]> = [
  ['locustfile.ts', STARTER_LOCUSTFILE],
  ['tsconfig.json', STARTER_TSCONFIG],
  ['locust.conf', STARTER_CONF],
];

/**
 * Install scripts in Locusta's dependency tree that it does not need: esbuild's postinstall
 * (its binary comes from its @esbuild/<platform> package), msgpackr-extract's (its binary comes
 * prebuilt; msgpackr works without it) and protobufjs's (a check of its dependents' version
 * ranges, for the OpenTelemetry exporters of --otel). npm 11 skips them and lists them after
 * every install until the project records a choice; init records "not needed".
 */
const UNNEEDED_SCRIPTS = ['esbuild', 'msgpackr-extract', 'protobufjs'];

/** `package.json`'s allowScripts with the unneeded scripts denied; undefined when nothing changes. */
function withDeniedScripts(text: string): string | undefined {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const current = pkg['allowScripts'];
  const allow: Record<string, unknown> = typeof current === 'object' && current !== null && !Array.isArray(current) ? { ...current } : {};
  // A choice already recorded stays, whatever it is.
  const missing = UNNEEDED_SCRIPTS.filter((name) => !Object.keys(allow).some((key) => key === name || key.startsWith(`${name}@`)));
  if (missing.length === 0) return undefined;
  for (const name of missing) allow[name] = false;
  pkg['allowScripts'] = allow;
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  ';
  return `${JSON.stringify(pkg, null, indent)}\n`;
}

/**
 * `locusta init [--force]`: writes a starter locustfile.ts, tsconfig.json and locust.conf in
 * `cwd`. An existing one is an error (nothing is written) unless `--force`. Returns the exit code.
 */
export function runInit(args: readonly string[], cwd: string, print: (line: string) => void): number {
  let force = false;
  for (const arg of args) {
    if (arg === '--force') force = true;
    else if (arg === '--help' || arg === '-h') {
      print('usage: locusta init [--force]\n\nWrites a starter locustfile.ts, tsconfig.json and locust.conf here; --force overwrites them.');
      return 0;
    } else throw usageError(`init: unrecognized argument '${arg}' (usage: locusta init [--force])`);
  }
  const existing = FILES.map(([name]) => name).filter((name) => existsSync(join(cwd, name)));
  if (existing.length > 0 && !force) {
    throw fileError(`init: ${existing.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${cwd}: nothing written (--force overwrites)`);
  }
  for (const [name, content] of FILES) writeFileSync(join(cwd, name), content);
  print(`Wrote ${FILES.map(([name]) => name).join(', ')}`);
  const pkgFile = join(cwd, 'package.json');
  if (existsSync(pkgFile)) {
    let updated: string | undefined;
    try {
      updated = withDeniedScripts(readFileSync(pkgFile, 'utf8'));
    } catch {
      updated = undefined; // Not JSON we can read: left as it is.
    }
    if (updated !== undefined) {
      writeFileSync(pkgFile, updated);
      print(`package.json: allowScripts denies ${UNNEEDED_SCRIPTS.slice(0, -1).join(', ')} and ${UNNEEDED_SCRIPTS.at(-1)} (Locusta needs none of their install scripts; npm stops listing them)`);
    }
  }
  print('Next: set host in locust.conf (or pass -H), then run `npx locusta` for the web UI, or `npx locusta --headless -t 1m`');
  return 0;
}
