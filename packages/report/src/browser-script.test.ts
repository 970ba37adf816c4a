import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { browserScript, writeBrowserBundle } from './browser-script.ts';

// A package laid out as the real ones: src/browser/NAME.ts, and dist/ once built.
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakePackage(): string {
  dir = mkdtempSync(join(tmpdir(), 'locusta-browser-'));
  mkdirSync(join(dir, 'src/browser'), { recursive: true });
  writeFileSync(join(dir, 'src/browser/page.ts'), "const greeting: string = 'h\\u00e9llo';\n(window as unknown as { greeting: string }).greeting = greeting;\n");
  return dir;
}

describe('page scripts', () => {
  it('are bundled from the sources for a module running from sources', () => {
    const root = fakePackage();
    const js = browserScript(pathToFileURL(join(root, 'src/index.ts')).href, 'page');
    expect(js).toContain('"h\\xE9llo"');
    expect(js).not.toContain(': string');
  });

  it('are read from dist for compiled code, and the build writes the same bundle there', () => {
    const root = fakePackage();
    writeBrowserBundle(pathToFileURL(`${root}/`), 'page');
    expect(browserScript(pathToFileURL(join(root, 'dist/index.js')).href, 'page')).toBe(browserScript(pathToFileURL(join(root, 'src/index.ts')).href, 'page'));
  });

  it('say how to make a missing bundle', () => {
    const root = fakePackage();
    expect(() => browserScript(pathToFileURL(join(root, 'dist/index.js')).href, 'page')).toThrow(/dist\/browser\/page\.js is missing: the package's build \(npm run build\) writes it/);
  });
});
