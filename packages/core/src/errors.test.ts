import { describe, expect, it } from 'vitest';
import { LocustaError, StopUser, describeError, messageOf, stackOf } from './errors.ts';

class ParseError extends LocustaError {
  constructor(message: string) {
    super('LOCUSTA_ERR_USAGE', message);
  }
  override get name(): string {
    return 'ParseError';
  }
}

describe('LocustaError', () => {
  it('names a subclass by its getter, not by an own property, from the first line of its stack on', () => {
    const err = new ParseError('bad value');
    expect(err.name).toBe('ParseError');
    expect(Object.keys(err)).toEqual(['code']);
    expect(err.code).toBe('LOCUSTA_ERR_USAGE');
    expect(err.stack?.split('\n')[0]).toBe('ParseError: bad value');
    expect(String(err)).toBe('ParseError: bad value');
    expect(new LocustaError('LOCUSTA_ERR_TASKS', 'x').name).toBe('LocustaError');
  });

  it('recognises the errors of another copy of the package by the brand', () => {
    const foreign = Object.create(Error.prototype, { [Symbol.for('locusta.error')]: { get: () => 'LocustaError' } }) as unknown;
    expect(foreign instanceof LocustaError).toBe(true);
    expect(new Error('plain') instanceof LocustaError).toBe(false);
  });

  it('checks a subclass by its prototype chain: a LocustaError is not every subclass', () => {
    expect(new ParseError('x') instanceof LocustaError).toBe(true);
    expect(new ParseError('x') instanceof ParseError).toBe(true);
    expect(new LocustaError('LOCUSTA_ERR_USAGE', 'x') instanceof ParseError).toBe(false);
    expect(new StopUser() instanceof LocustaError).toBe(false);
  });
});

describe('describing a thrown value', () => {
  it('gives the message, the name and message, or the stack of an error, and any other value as text', () => {
    const err = new ParseError('bad value');
    expect(messageOf(err)).toBe('bad value');
    expect(describeError(err)).toBe('ParseError: bad value');
    expect(stackOf(err)).toBe(err.stack);
    for (const f of [messageOf, describeError, stackOf]) expect(f('a string')).toBe('a string');
    expect(messageOf(undefined)).toBe('undefined');
  });
});
