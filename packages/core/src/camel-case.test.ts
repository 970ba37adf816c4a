import { describe, expect, it } from 'vitest';
import { camelCase } from './camel-case.ts';

describe('camelCase', () => {
  it('camelCases a dashed name as yargs does', () => {
    expect(camelCase('web-port')).toBe('webPort');
    expect(camelCase('show-task-ratio-json')).toBe('showTaskRatioJson');
    expect(camelCase('foo-bar_baz')).toBe('fooBarBaz');
    expect(camelCase('Max-Tokens')).toBe('MaxTokens');
    expect(camelCase('MAX-TOKENS')).toBe('maxTokens');
    expect(camelCase('a--b')).toBe('aB');
    expect(camelCase('trailing-')).toBe('trailing');
  });

  it('leaves a name without a dash as it is', () => {
    expect(camelCase('model')).toBe('model');
    expect(camelCase('max_tokens')).toBe('max_tokens');
    expect(camelCase('maxTokens')).toBe('maxTokens');
  });
});
