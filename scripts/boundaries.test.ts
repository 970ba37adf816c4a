import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBoundaries, formatViolation, LAYERS_MARKER } from './boundaries.mjs';

let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function pkg(dir: string, json: Record<string, unknown>): void {
  const exports = { '.': { '@locusta/source': './src/index.ts', default: './dist/index.js' }, './package.json': './package.json' };
  write(`packages/${dir}/package.json`, JSON.stringify({ name: `@fx/${dir}`, version: '0.1.0', exports, ...json }, null, 2));
}

const README = `# fixture\n\n${LAYERS_MARKER}\n1. \`core\`\n2. \`stats\`, \`http\`\n3. \`runner\`\n\nMore text.\n`;

/** A clean tree: core <- stats, http <- runner, each importing only what it declares. */
function cleanTree(): void {
  write('README.md', README);
  write('package.json', JSON.stringify({ name: 'root', private: true, devDependencies: { vitest: '4' } }));
  pkg('core', {});
  pkg('stats', { dependencies: { 'hdr-histogram-js': '3' } });
  pkg('http', { dependencies: { '@fx/core': '0.1.0', undici: '7' }, devDependencies: { 'fake-server': '1' } });
  pkg('runner', { dependencies: { '@fx/core': '0.1.0', '@fx/stats': '0.1.0' } });
  write('packages/core/src/index.ts', "import { readFileSync } from 'node:fs';\nimport path from 'path';\nexport { a } from './a.ts';\n");
  write('packages/core/src/a.ts', 'export const a = 1;\n');
  write('packages/stats/src/index.ts', "import hdr from 'hdr-histogram-js';\nexport { hdr };\n");
  write('packages/http/src/index.ts', "import { Pool } from 'undici';\nimport { a } from '@fx/core';\nimport '@fx/http';\nexport { Pool, a };\n");
  write('packages/http/src/index.test.ts', "import { it } from 'vitest';\nimport server from 'fake-server';\n");
  write('packages/http/test-support/loopback.ts', "import server from 'fake-server';\nexport default server;\n");
  write('packages/runner/src/index.ts', "import type { a } from '@fx/core';\nconst s = await import('@fx/stats');\nimport pj from '@fx/stats/package.json' with { type: 'json' };\n");
  write('test/run.test.ts', "import { it } from 'vitest';\nimport { Pool } from '@fx/http';\nimport { a } from '@fx/core';\n");
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  cleanTree();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('checkBoundaries', () => {
  it('passes a tree that keeps to its layers, declarations and exports', () => {
    expect(checkBoundaries(root)).toEqual([]);
  });

  it('reports core importing stats, an upper layer it does not declare, with file and line', () => {
    write('packages/core/src/index.ts', "export const x = 1;\nimport { hdr } from '@fx/stats';\n");
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      "packages/core/src/index.ts:2: @fx/core imports '@fx/stats', which packages/core/package.json does not declare, " +
        "and whose layer 2 is not below @fx/core's layer 1 (README.md, layer list)",
    ]);
  });

  it('reports a dependency declared against the layers, at its line of package.json', () => {
    pkg('core', { dependencies: { '@fx/runner': '0.1.0' } });
    pkg('stats', { dependencies: { 'hdr-histogram-js': '3' }, devDependencies: { '@fx/http': '0.1.0' } });
    expect(checkBoundaries(root)).toEqual([
      { file: 'packages/core/package.json', line: 12, message: "@fx/core declares @fx/runner, whose layer 3 is not below @fx/core's layer 1 (README.md, layer list)" },
      { file: 'packages/stats/package.json', line: 15, message: "@fx/stats declares @fx/http, whose layer 2 is not below @fx/stats's layer 2 (README.md, layer list)" },
    ]);
  });

  it('reports an undeclared third-party import, and a devDependency used outside tests', () => {
    write('packages/stats/src/index.ts', "import hdr from 'hdr-histogram-js';\n\nimport { merge } from 'lodash';\n");
    write('packages/http/src/server.ts', "// the fake server, in production code\nimport server from 'fake-server';\n");
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      "packages/http/src/server.ts:2: @fx/http imports 'fake-server', which packages/http/package.json declares only in devDependencies (enough for tests only)",
      "packages/stats/src/index.ts:3: @fx/stats imports 'lodash', which packages/stats/package.json does not declare",
    ]);
  });

  it('reports deep imports: a subpath outside exports, and relative paths out of a package or into one', () => {
    write('packages/runner/src/index.ts', "import { a } from '@fx/core';\nimport { b } from '@fx/core/src/a.ts';\nimport { c } from '../../core/src/a.ts';\n");
    write('test/run.test.ts', "import { it } from 'vitest';\nimport { a } from '../packages/core/src/a.ts';\n");
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      "packages/runner/src/index.ts:2: deep import '@fx/core/src/a.ts': @fx/core does not export './src/a.ts'; import from '@fx/core'",
      "packages/runner/src/index.ts:3: relative import '../../core/src/a.ts' leaves packages/runner: import another package by its name",
      "test/run.test.ts:2: relative import '../packages/core/src/a.ts' reaches into the files of packages/core: import the package by its name",
    ]);
  });

  it('finds imports in every form: side effect, type only, re-export, dynamic, require', () => {
    write(
      'packages/core/src/index.ts',
      [
        "import 'left-pad';",
        "import type { T } from 'type-only';",
        "export { x } from 're-export';",
        "const d = await import('dynamic');",
        "const r = require('required');",
        "// import 'in-a-comment';",
        "const s = \"import 'in-a-string'\";",
      ].join('\n'),
    );
    const found = checkBoundaries(root).map((v) => `${v.line} ${v.message.split("'")[1]}`);
    expect(found).toEqual(['1 left-pad', '2 type-only', '3 re-export', '4 dynamic', '5 required']);
  });

  it('reports a third-party package declared by two packages', () => {
    pkg('runner', { dependencies: { '@fx/core': '0.1.0', '@fx/stats': '0.1.0', undici: '7' } });
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      'packages/runner/package.json:14: @fx/runner declares undici, which already lives in @fx/http: use it through @fx/http',
    ]);
  });

  it('reports a package missing from the layer list, and a list that names no package', () => {
    pkg('web', {});
    write('README.md', README.replace('3. `runner`', '3. `runner`, `webb`'));
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      "packages/web/package.json:1: package folder `web` is in no layer of the README's layer list",
      'README.md:6: the layer list names `webb`, which is not a folder of packages/',
    ]);
  });

  it('reports a README without the layer list', () => {
    write('README.md', '# fixture\n');
    expect(checkBoundaries(root).map(formatViolation)).toEqual([
      `README.md:1: no layer list: a line "${LAYERS_MARKER}" followed by "1. \`core\`"...`,
    ]);
  });
});
