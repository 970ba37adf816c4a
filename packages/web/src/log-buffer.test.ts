import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer.ts';

describe('LogBuffer', () => {
  it('keeps the last N lines, oldest first', () => {
    const b = new LogBuffer(3);
    b.push('a\n');
    b.push('b');
    expect(b.lines()).toEqual(['a', 'b']);
    for (const l of ['c', 'd', 'e']) b.push(l);
    expect(b.lines()).toEqual(['c', 'd', 'e']);
    expect(b.size).toBe(3);
    b.push('f');
    expect(b.lines()).toEqual(['d', 'e', 'f']);
    b.clear();
    expect(b.lines()).toEqual([]);
    expect(new LogBuffer().capacity).toBe(500);
    expect(() => new LogBuffer(0)).toThrow(RangeError);
  });
});
