import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHARTS_SCRIPT } from './charts-script.ts';

describe('the page script', () => {
  it('is valid JavaScript as written', () => {
    expect(() => new Script(CHARTS_SCRIPT)).not.toThrow();
  });

  it('cannot end its script element and stays ASCII', () => {
    expect(CHARTS_SCRIPT).not.toMatch(/<\/script/i);
    expect(CHARTS_SCRIPT).toMatch(/^[\t\n\r\x20-\x7e]*$/);
  });

  it('marks the page ready when there is nothing to draw', () => {
    const win: Record<string, unknown> = {};
    const document = { getElementById: () => ({ textContent: '{"charts":[]}' }) };
    new Script(CHARTS_SCRIPT).runInNewContext({ window: Object.assign(win, { addEventListener() {} }), document, console });
    expect(win['__reportReady']).toBe(true);
  });
});
