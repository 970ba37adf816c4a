import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

// Page scripts are TypeScript modules under a package's src/browser/ (type-checked against the
// DOM by its tsconfig.browser.json). esbuild bundles each entry into one IIFE: the build writes it
// to dist/browser/NAME.js, which the compiled server code reads at run time. Code running from the
// TypeScript sources (unit tests) bundles the entry on first use instead, so the script it serves
// is never older than the sources beside it. esbuild is a build tool here: it is loaded only in
// those two cases, never by the compiled code at run time.

const OPTIONS = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  // Inlined into HTML files: \u escapes instead of raw non-ASCII characters.
  charset: 'ascii',
  // Code shared with the server (escaping, number formats) comes from the sources of its package.
  conditions: ['@locusta/source'],
  legalComments: 'none',
  logLevel: 'silent',
  write: false,
} satisfies BuildOptions;

/** The bundle of one browser entry (a .ts file), as text. */
function bundle(entry: string): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({ ...OPTIONS, entryPoints: [entry] });
  const text = out.outputFiles[0]!.text;
  // Inlined in a <script> element, the text must not end it early.
  if (/<\/script/i.test(text)) throw new Error(`${entry}: the bundled script contains a closing script tag`);
  return text;
}

/**
 * The page script `NAME` of the package that `moduleUrl` (the caller's `import.meta.url`) belongs
 * to, for a module directly in that package's src/ (or dist/): from sources, the bundle of
 * src/browser/NAME.ts made now; compiled, the prebuilt dist/browser/NAME.js.
 */
export function browserScript(moduleUrl: string, name: string): string {
  if (moduleUrl.endsWith('.ts')) return bundle(fileURLToPath(new URL(`./browser/${name}.ts`, moduleUrl)));
  const built = new URL(`./browser/${name}.js`, moduleUrl);
  try {
    return readFileSync(built, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new Error(`${fileURLToPath(built)} is missing: the package's build (npm run build) writes it`, { cause: err });
  }
}

/** Build step: writes PACKAGE/dist/browser/NAME.js, the bundle of PACKAGE/src/browser/NAME.ts. */
export function writeBrowserBundle(packageDir: URL, name: string): void {
  const out = new URL('./dist/browser/', packageDir);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL(`./${name}.js`, out), bundle(fileURLToPath(new URL(`./src/browser/${name}.ts`, packageDir))));
}
