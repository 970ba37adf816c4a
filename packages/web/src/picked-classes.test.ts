import { User } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { pickedClasses } from './runner-adapter.ts';

class A extends User {}
class B extends User {}
class C extends User {}

describe('pickedClasses (Locust\'s class picker)', () => {
  const all = [A, B, C];

  it('runs the ticked classes', () => {
    expect(pickedClasses(all, ['C', 'A'], all, false)).toEqual([A, C]);
  });

  it('with none ticked, keeps the running test\'s classes, or takes every class for a new test', () => {
    expect(pickedClasses(all, [], [B], true)).toEqual([B]);
    expect(pickedClasses(all, [], [B], false)).toEqual(all);
  });
});
