import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape.ts';

describe('escapeHtml', () => {
  it('escapes the characters that open tags, entities and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves other text alone', () => {
    expect(escapeHtml('GET /api/items?id=[id] – ✓')).toBe('GET /api/items?id=[id] – ✓');
  });
});

describe('jsonForScript', () => {
  const tricky = { name: '</script><img src=x onerror=alert(1)>', comment: '<!-- x -->', amp: 'a&b', lines: 'a\u2028b\u2029c' };

  it('cannot close its script element or open a comment', () => {
    const json = jsonForScript(tricky);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain('\\u003c/script\\u003e');
  });

  it('parses back to the same value', () => {
    expect(JSON.parse(jsonForScript(tricky))).toEqual(tricky);
  });
});
