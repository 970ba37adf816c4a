import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { uiAssets } from './assets.ts';
import { APP_CSS } from './ui/styles.ts';

describe('the page script', () => {
  it('is valid JavaScript, bundled from the TypeScript sources', () => {
    const js = uiAssets().get('app.js')!.body;
    expect(() => new Script(js, { filename: 'app.js' })).not.toThrow();
    // The logs are joined with a newline escape, not a backslash and an n.
    expect(js).toContain('.join("\\n")');
    expect(js).toMatch(/^[\t\n\r\x20-\x7e]*$/);
    expect(APP_CSS).toContain('content: " \\25B2"');
  });
});
