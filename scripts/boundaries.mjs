// @ts-check
// The import rules of the monorepo, checked rather than remembered. npm hoists every workspace
// package into the root node_modules, so Node would let `core` import `stats` without a word:
// this module reads every source file's imports and reports, with file and line,
//  - an import of a package that the importing package does not declare in its package.json
//    (test files may also use devDependencies and the root's tooling);
//  - a workspace package that imports, or declares, a package not in a lower layer; the layers
//    are the list in README.md after LAYERS_MARKER, the one place they are written;
//  - a deep import: `@locusta/x/src/...` (anything not in x's `exports`), or a relative path that
//    leaves its own package or reaches into a package's files from outside;
//  - a third-party package declared as a dependency by two packages (each has one home).
// scripts/check-boundaries.mjs runs it on the repository; scripts/boundaries.test.ts on fixtures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The README line after which the layer list starts. */
export const LAYERS_MARKER = '<!-- layers: checked by scripts/check-boundaries.mjs -->';

const SOURCE_EXTENSIONS = /\.(?:[cm]?ts|[cm]?js|tsx|jsx)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', 'out', 'artifacts']);
/** Folders of the repository root that hold code but belong to no package. */
const ROOT_CODE_DIRS = ['test', 'examples', 'bench', 'scripts'];
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const BUILTINS = new Set(builtinModules);

/**
 * @typedef {{ file: string, line: number, message: string }} Violation
 * @typedef {{
 *   dir: string, name: string, json: Record<string, any>, jsonText: string, layer: number,
 *   runtime: Set<string>, dev: Set<string>,
 * }} Workspace
 * @typedef {{
 *   ws: Workspace | null, owner: string, byName: Map<string, Workspace>, allowed: Set<string>,
 *   devOnly: Set<string> | null,
 * }} FileContext  owner: the package.json that says what the file may import
 */

/**
 * Checks the repository (or fixture tree) at `root`.
 * @param {string} root
 * @returns {Violation[]} sorted by file and line
 */
export function checkBoundaries(root) {
  /** @type {Violation[]} */
  const violations = [];
  const rootJson = readJson(join(root, 'package.json'));
  const rootDeps = new Set(allDependencies(rootJson));
  const layers = readLayers(root, violations);
  const workspaces = readWorkspaces(root, layers, violations);
  const byName = new Map(workspaces.map((w) => [w.name, w]));

  checkDeclaredLayers(workspaces, byName, violations);
  checkSingleHome(workspaces, byName, violations);

  for (const ws of workspaces) {
    for (const file of sourceFiles(join(root, 'packages', ws.dir))) {
      const isTest = isTestFile(relative(join(root, 'packages', ws.dir), file));
      const allowed = isTest ? new Set([...ws.runtime, ...ws.dev, ...rootDeps]) : ws.runtime;
      const owner = `packages/${ws.dir}/package.json`;
      checkFile(root, file, { ws, owner, byName, allowed, devOnly: isTest ? null : ws.dev }, violations);
    }
  }
  // Root code (tests, examples, benchmarks, scripts) may use every workspace package, and the
  // dependencies of the root's package.json or of its own folder's (bench/ has one).
  for (const dir of ROOT_CODE_DIRS) {
    const own = join(root, dir, 'package.json');
    const owner = existsSync(own) ? `${dir}/package.json` : 'package.json';
    const allowed = new Set([...rootDeps, ...byName.keys(), ...allDependencies(readJson(own))]);
    for (const file of sourceFiles(join(root, dir))) {
      checkFile(root, file, { ws: null, owner, byName, allowed, devOnly: null }, violations);
    }
  }

  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * Formats a violation as `file:line: message`, the shape editors and terminals link.
 * @param {Violation} v
 */
export function formatViolation(v) {
  return `${v.file}:${v.line}: ${v.message}`;
}

/**
 * Reads the layer list: the numbered lines after LAYERS_MARKER in README.md, lowest layer first,
 * each naming package folders in backquotes, e.g. "2. `stats`, `http`".
 * @param {string} root
 * @param {Violation[]} violations
 * @returns {Map<string, { layer: number, line: number }>} folder name to layer and README line
 */
function readLayers(root, violations) {
  const layers = new Map();
  const readme = join(root, 'README.md');
  const lines = existsSync(readme) ? readFileSync(readme, 'utf8').split('\n') : [];
  const start = lines.findIndex((l) => l.trim() === LAYERS_MARKER);
  if (start < 0) {
    violations.push({ file: 'README.md', line: 1, message: `no layer list: a line "${LAYERS_MARKER}" followed by "1. \`core\`"...` });
    return layers;
  }
  for (let i = start + 1; i < lines.length; i++) {
    const item = /^\s*(\d+)\.\s+(.*)$/.exec(lines[i]);
    if (!item) {
      if (lines[i].trim() === '' && layers.size === 0) continue;
      break;
    }
    for (const [, dir] of item[2].matchAll(/`([^`]+)`/g)) {
      if (layers.has(dir)) violations.push({ file: 'README.md', line: i + 1, message: `package folder \`${dir}\` is in two layers` });
      layers.set(dir, { layer: Number(item[1]), line: i + 1 });
    }
  }
  return layers;
}

/**
 * @param {string} root
 * @param {Map<string, { layer: number, line: number }>} layers
 * @param {Violation[]} violations
 * @returns {Workspace[]}
 */
function readWorkspaces(root, layers, violations) {
  const packagesDir = join(root, 'packages');
  const dirs = existsSync(packagesDir) ? readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json'))) : [];
  for (const [dir, { line }] of layers) {
    if (!dirs.includes(dir)) violations.push({ file: 'README.md', line, message: `the layer list names \`${dir}\`, which is not a folder of packages/` });
  }
  return dirs.sort().map((dir) => {
    const file = join(packagesDir, dir, 'package.json');
    const jsonText = readFileSync(file, 'utf8');
    const json = JSON.parse(jsonText);
    const layer = layers.get(dir)?.layer;
    if (layer === undefined && layers.size > 0) {
      violations.push({ file: `packages/${dir}/package.json`, line: 1, message: `package folder \`${dir}\` is in no layer of the README's layer list` });
    }
    const runtime = new Set(DEPENDENCY_FIELDS.flatMap((f) => Object.keys(json[f] ?? {})));
    const dev = new Set(Object.keys(json.devDependencies ?? {}));
    return { dir, name: json.name, json, jsonText, layer: layer ?? Number.NaN, runtime, dev };
  });
}

/**
 * A package.json may declare workspace packages only from lower layers (devDependencies too).
 * @param {Workspace[]} workspaces
 * @param {Map<string, Workspace>} byName
 * @param {Violation[]} violations
 */
function checkDeclaredLayers(workspaces, byName, violations) {
  for (const ws of workspaces) {
    for (const dep of [...ws.runtime, ...ws.dev]) {
      const target = byName.get(dep);
      if (!target || below(target, ws)) continue;
      violations.push({
        file: `packages/${ws.dir}/package.json`,
        line: lineOfKey(ws.jsonText, dep),
        message: `${ws.name} declares ${dep}, ${layerText(target, ws)}`,
      });
    }
  }
}

/**
 * Each third-party package is a runtime dependency of one workspace package only.
 * @param {Workspace[]} workspaces
 * @param {Map<string, Workspace>} byName
 * @param {Violation[]} violations
 */
function checkSingleHome(workspaces, byName, violations) {
  /** @type {Map<string, Workspace>} */
  const homes = new Map();
  for (const ws of workspaces) {
    for (const dep of ws.runtime) {
      if (byName.has(dep)) continue;
      const home = homes.get(dep);
      if (home) {
        violations.push({
          file: `packages/${ws.dir}/package.json`,
          line: lineOfKey(ws.jsonText, dep),
          message: `${ws.name} declares ${dep}, which already lives in ${home.name}: use it through ${home.name}`,
        });
      } else {
        homes.set(dep, ws);
      }
    }
  }
}

/**
 * @param {string} root
 * @param {string} file absolute path
 * @param {FileContext} ctx
 * @param {Violation[]} violations
 */
function checkFile(root, file, ctx, violations) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(root, file).split(sep).join('/');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  for (const { fileName: spec, pos } of importedFiles) {
    const problem = spec.startsWith('.') ? relativeProblem(root, file, spec, ctx.ws) : bareProblem(spec, ctx);
    if (problem) violations.push({ file: rel, line: lineAt(text, pos), message: problem });
  }
}

/**
 * What is wrong with a bare specifier (`pkg`, `@scope/pkg/sub`, `node:fs`), if anything.
 * @param {string} spec
 * @param {FileContext} ctx
 * @returns {string | null}
 */
function bareProblem(spec, { ws, owner, byName, allowed, devOnly }) {
  if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = '.' + spec.slice(name.length);
  const target = byName.get(name);
  if (ws && name === ws.name) return null;
  if (target && subpath !== '.' && !exportsSubpath(target.json, subpath)) {
    return `deep import '${spec}': ${name} does not export '${subpath}'; import from '${name}'`;
  }
  const problems = [];
  if (!allowed.has(name)) {
    problems.push(devOnly?.has(name) ? `which ${owner} declares only in devDependencies (enough for tests only)` : `which ${owner} does not declare`);
  }
  if (ws && target && !below(target, ws)) problems.push(layerText(target, ws));
  return problems.length > 0 ? `${ws ? `${ws.name} ` : ''}imports '${spec}', ${problems.join(', and ')}` : null;
}

/**
 * A relative import must stay inside its package, and root code must not reach into one.
 * @param {string} root
 * @param {string} file
 * @param {string} spec
 * @param {Workspace | null} ws
 * @returns {string | null}
 */
function relativeProblem(root, file, spec, ws) {
  const target = resolve(dirname(file), spec);
  const packagesDir = join(root, 'packages');
  if (ws) {
    const own = join(packagesDir, ws.dir);
    if (target === own || target.startsWith(own + sep)) return null;
    return `relative import '${spec}' leaves packages/${ws.dir}: import another package by its name`;
  }
  if (!target.startsWith(packagesDir + sep)) return null;
  const dir = relative(packagesDir, target).split(sep)[0];
  return `relative import '${spec}' reaches into the files of packages/${dir}: import the package by its name`;
}

/**
 * Whether `subpath` ('./x') is a key, or matches a `*` pattern, of the package's `exports`.
 * @param {Record<string, any>} json
 * @param {string} subpath
 */
function exportsSubpath(json, subpath) {
  const exp = json.exports;
  if (exp === undefined) return true; // no exports map: Node allows any file
  if (typeof exp === 'string' || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith('.'))) return false;
  return Object.keys(exp).some((key) => {
    const star = key.indexOf('*');
    if (star < 0) return key === subpath;
    return subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

/**
 * Whether `target` is in a lower layer than `ws` (a package in no layer is reported once, elsewhere).
 * @param {Workspace} target
 * @param {Workspace} ws
 */
function below(target, ws) {
  return !(target.layer >= ws.layer);
}

/**
 * @param {Workspace} target
 * @param {Workspace} ws
 */
function layerText(target, ws) {
  return `whose layer ${target.layer} is not below ${ws.name}'s layer ${ws.layer} (README.md, layer list)`;
}

/**
 * Tests, test support and benchmarks may also use devDependencies.
 * @param {string} pathInPackage
 */
function isTestFile(pathInPackage) {
  const parts = pathInPackage.split(sep);
  return /\.(?:test|bench|spec)\.[cm]?[jt]s$/.test(pathInPackage) || parts.some((p) => p === 'test-support' || p === 'bench' || p === 'test');
}

/**
 * @param {string} dir
 * @returns {string[]} absolute paths of the source files under `dir`, sorted
 */
function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...sourceFiles(join(dir, entry.name)));
    } else if (SOURCE_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(join(dir, entry.name));
    }
  }
  return out.sort();
}

/**
 * @param {Record<string, any>} json a package.json
 * @returns {string[]}
 */
function allDependencies(json) {
  return [...DEPENDENCY_FIELDS, 'devDependencies'].flatMap((f) => Object.keys(json[f] ?? {}));
}

/**
 * @param {string} file
 * @returns {Record<string, any>}
 */
function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/**
 * The 1-based line of a character offset.
 * @param {string} text
 * @param {number} pos
 */
function lineAt(text, pos) {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The line of `"key"` in a package.json text (1 if it cannot be found).
 * @param {string} text
 * @param {string} key
 */
function lineOfKey(text, key) {
  const at = text.indexOf(`"${key}"`);
  return at < 0 ? 1 : lineAt(text, at);
}
