import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { runLocusta } from './helpers.ts';

describe('locusta init', () => {
  it('writes a starter locustfile.ts, tsconfig.json and locust.conf, and refuses to overwrite them without --force', async () => {
    const dir = tempDir();
    const first = await runLocusta(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Wrote locustfile.ts, tsconfig.json, locust.conf');
    expect(readFileSync(join(dir, 'locustfile.ts'), 'utf8')).toContain("import { HttpUser, between, task } from 'locusta';");
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions.types).toEqual(['node']);
    expect(readFileSync(join(dir, 'locust.conf'), 'utf8')).toContain('locustfile = locustfile.ts');

    writeFileSync(join(dir, 'locustfile.ts'), '// mine\n');
    const again = await runLocusta(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      `locusta: error: init: locustfile.ts, tsconfig.json, locust.conf already exist in ${dir}: nothing written (--force overwrites)`,
    ]);
    expect(readFileSync(join(dir, 'locustfile.ts'), 'utf8')).toBe('// mine\n');

    const forced = await runLocusta(['init', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'locustfile.ts'), 'utf8')).toContain('export class WebsiteUser extends HttpUser');
  });

  it('refuses when only one of the files exists, and writes none', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'locust.conf'), 'users = 3\n');
    const r = await runLocusta(['init'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`locusta: error: init: locust.conf already exists in ${dir}: nothing written (--force overwrites)\n`);
    expect(() => readFileSync(join(dir, 'locustfile.ts'))).toThrow(/ENOENT/);
  });

  it('records the unneeded install scripts in package.json, keeping a choice already made', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{\n    "name": "x",\n    "allowScripts": { "esbuild@0.28.2": true }\n}\n');
    const r = await runLocusta(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('package.json: allowScripts denies esbuild, msgpackr-extract and protobufjs');
    const text = readFileSync(join(dir, 'package.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ name: 'x', allowScripts: { 'esbuild@0.28.2': true, 'msgpackr-extract': false, protobufjs: false } });
    // The file keeps its indentation.
    expect(text.startsWith('{\n    "name"')).toBe(true);
  });

  it('refuses an unknown argument with a usage error', async () => {
    const r = await runLocusta(['init', '--forse'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("locusta: error: init: unrecognized argument '--forse' (usage: locusta init [--force])\n");
  });
});
