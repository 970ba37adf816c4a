import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { APP_JS } from './ui/app-script.ts';
import { APP_CSS } from './ui/styles.ts';

describe('the page script', () => {
  it('is valid JavaScript and kept free of template syntax', () => {
    expect(() => new Script(APP_JS, { filename: 'app.js' })).not.toThrow();
    expect(APP_JS).not.toContain('${');
    expect(APP_JS).toContain("join('\\n')");
    expect(APP_CSS).toContain('content: " \\25B2"');
  });
});
