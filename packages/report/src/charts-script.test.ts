import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { chartsScript } from './charts-script.ts';

describe('the page script', () => {
  it('is valid JavaScript as bundled', () => {
    expect(() => new Script(chartsScript())).not.toThrow();
  });

  it('cannot end its script element and stays ASCII', () => {
    expect(chartsScript()).not.toMatch(/<\/script/i);
    expect(chartsScript()).toMatch(/^[\t\n\r\x20-\x7e]*$/);
  });

  it('marks the page ready when there is nothing to draw', () => {
    const win: Record<string, unknown> = {};
    const document = { getElementById: () => ({ textContent: '{"charts":[]}' }) };
    new Script(chartsScript()).runInNewContext({ window: Object.assign(win, { addEventListener() {} }), document, console });
    expect(win['__reportReady']).toBe(true);
  });
});
