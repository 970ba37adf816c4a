import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadTestShape, UserClass } from '@locusta/core';
import { User, isShapeClass, messageOf } from '@locusta/core';
import type { BuildOptions, Plugin } from 'esbuild';
import { build } from 'esbuild';
import { fileError } from './errors.ts';

const DEFAULT_FILES = ['locustfile.ts', 'locustfile.mts', 'locustfile.js', 'locustfile.mjs'];
const SOURCE = /\.(m?ts|m?js|cts|cjs)$/;

/** Where `import ... from 'locusta'` in a user file must point: the running CLI's own copy. */
export interface LoaderContext {
  /** file: URL of the umbrella package's entry (`locusta`). */
  locustaEntry: string;
  cwd: string;
}

export interface LoadedFiles {
  files: string[];
  userClasses: UserClass[];
  /** sha256 of the files' contents: a master warns about workers whose files differ. */
  hash: string;
  /** Concrete LoadTestShape classes exported by the files, in load order. */
  shapeClasses: Array<typeof LoadTestShape>;
}

/** Expands `-f`: a comma-separated list of files and folders (folders searched recursively). */
function resolveUserFiles(spec: string | undefined, cwd: string): string[] {
  if (!spec) {
    const found = DEFAULT_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
    if (!found) {
      throw fileError(`Could not find a user file: no -f given and none of ${DEFAULT_FILES.join(', ')} in ${cwd}`);
    }
    return [found];
  }
  const out: string[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const path = resolve(cwd, part);
    let st;
    try {
      st = statSync(path);
    } catch {
      throw fileError(`Could not find user file '${part}'`);
    }
    if (st.isDirectory()) {
      const inDir = walk(path);
      if (inDir.length === 0) throw fileError(`No .ts/.js user files in folder '${part}'`);
      out.push(...inDir);
    } else {
      out.push(path);
    }
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('_') || name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !/\.test\.|\.spec\./.test(name)) out.push(path);
  }
  return out;
}

/** Sends `locusta` and `@locusta/*` to the running CLI's modules, so events and classes are shared. */
function selfPlugin(ctx: LoaderContext): Plugin {
  return {
    name: 'locusta-self',
    setup(b) {
      b.onResolve({ filter: /^locusta$/ }, () => ({ path: ctx.locustaEntry, external: true }));
    },
  };
}

function position(file: string, line?: number, column?: number): string {
  const rel = relative(process.cwd(), file) || file;
  return line ? `${rel}:${line}:${(column ?? 0) + 1}` : rel;
}

/** One user file bundled by esbuild as an ES module for Node 20 (TypeScript and TC39 decorators lowered). */
async function bundle(file: string, options: BuildOptions): Promise<string> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    absWorkingDir: dirname(file),
    ...options,
  });
  return result.outputFiles![0]!.text;
}

/**
 * Bundles one user file with esbuild (TypeScript, TC39 decorators lowered) and imports it. npm
 * packages stay external and resolve from the user file's folder, so the bundle is written
 * beside it under a hidden name and removed right after the import.
 */
async function importUserFile(file: string, ctx: LoaderContext): Promise<Record<string, unknown>> {
  let code: string;
  try {
    code = await bundle(file, { packages: 'external', sourcemap: 'inline', sourcesContent: false, plugins: [selfPlugin(ctx)] });
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> })
      .errors?.[0];
    if (first) {
      const where = first.location ? position(resolve(dirname(file), first.location.file), first.location.line, first.location.column) : position(file);
      throw fileError(`${where}: error: ${first.text}`);
    }
    throw fileError(`${position(file)}: error: ${messageOf(err)}`);
  }
  removeStaleCopies(file);
  const beside = join(dirname(file), `.${basename(file)}.locusta-${process.pid}.mjs`);
  let out = beside;
  try {
    writeFileSync(beside, code);
  } catch {
    out = join(tmpdir(), `locusta-${process.pid}-${basename(file)}.mjs`);
    writeFileSync(out, code);
  }
  try {
    return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } catch (err) {
    throw fileError(`${describeLoadError(err, file)}`);
  } finally {
    try {
      unlinkSync(out);
    } catch {
      // already gone: nothing to clean
    }
  }
}

/**
 * Removes the compiled copies of `file` that processes no longer running left beside it: a
 * process killed while the user file was importing never reaches its own clean-up.
 */
function removeStaleCopies(file: string): void {
  const prefix = `.${basename(file)}.locusta-`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith('.mjs') ? name.slice(prefix.length, -'.mjs'.length) : '';
    if (!/^\d+$/.test(pid) || isRunning(Number(pid))) continue;
    try {
      unlinkSync(join(dirname(file), name));
    } catch {
      // removed by another process starting at the same time
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One line for an error thrown while the file ran: `file:line:col: TypeError: message`. */
function describeLoadError(err: unknown, file: string): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const name = basename(file);
  const frame = (e.stack ?? '').split('\n').find((l) => l.includes(name) && /:\d+:\d+/.test(l));
  const m = frame ? /([^\s(]+):(\d+):(\d+)\)?\s*$/.exec(frame) : null;
  const where = m ? position(m[1]!.replace(/^file:\/\//, ''), Number(m[2]), Number(m[3]) - 1) : position(file);
  return `${where}: ${e.name}: ${e.message.split('\n')[0]}`;
}

/**
 * The user files as a master sends them to `-f -` workers: each bundled with its local imports
 * and npm packages, only `import ... from 'locusta'` left for the worker to resolve.
 */
export async function bundleForTransfer(files: string[]): Promise<Array<{ name: string; contents: string }>> {
  return Promise.all(
    files.map(async (file, i) => ({
      name: `${i}-${basename(file).replace(/\.[^.]+$/, '')}.mjs`,
      contents: await bundle(file, { external: ['locusta'] }),
    })),
  );
}

function isUserClass(value: unknown): value is UserClass {
  return typeof value === 'function' && value.prototype instanceof User;
}

function isAbstract(cls: UserClass): boolean {
  return Object.hasOwn(cls, 'abstract') && Boolean(cls.abstract);
}

/** Whether a user file's own text declares the class (rather than importing it). */
function declares(file: string, name: string): boolean {
  return new RegExp(`\\bclass\\s+${name}\\b`).test(readFileSync(file, 'utf8'));
}

/**
 * Keeps one class per name across the user files. Each file is bundled on its own, so a class
 * one file imports from another arrives as a second copy: that is the same class, as in Locust,
 * and only the first is kept. Two files that each declare a class of the same name are an error
 * (Locust's "Duplicate user class names").
 */
function addByName<T extends { name: string }>(found: Map<string, { value: T; file: string }>, value: T, file: string, duplicate: (first: string) => string): void {
  const previous = found.get(value.name);
  if (!previous) {
    found.set(value.name, { value, file });
    return;
  }
  if (previous.value === value) return;
  if (previous.file !== file && declares(previous.file, value.name) && declares(file, value.name)) throw fileError(duplicate(previous.file));
}

/** Loads every user file and collects the concrete, exported User classes. */
export async function loadUserFiles(spec: string | undefined, ctx: LoaderContext): Promise<LoadedFiles> {
  const files = resolveUserFiles(spec, ctx.cwd);
  const classes = new Map<string, { value: UserClass; file: string }>();
  const shapes = new Map<string, { value: typeof LoadTestShape; file: string }>();
  for (const file of files) {
    const mod = await importUserFile(file, ctx);
    for (const value of Object.values(mod)) {
      if (isUserClass(value) && !isAbstract(value)) {
        addByName(classes, value, file, (first) => `Duplicate user class names: ${value.name} is defined in both ${first} and ${file}`);
      }
      if (isShapeClass(value) && !(Object.hasOwn(value, 'abstract') && value.abstract)) {
        addByName(shapes, value, file, () => `Duplicate shape classes: ${value.name}`);
      }
    }
  }
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  return { files, userClasses: [...classes.values()].map((c) => c.value), hash: hash.digest('hex'), shapeClasses: [...shapes.values()].map((s) => s.value) };
}
