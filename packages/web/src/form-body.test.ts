import { describe, expect, it } from 'vitest';
import { parseFormBody } from './form-body.ts';

const fields = (body: string, type?: string) => Object.fromEntries(parseFormBody(Buffer.from(body), type));

describe('parseFormBody', () => {
  it('reads URL-encoded forms, repeated fields included', () => {
    expect(fields('user_count=5&spawn_rate=1.5&tag=a&tag=b&host=http%3A%2F%2Fx', 'application/x-www-form-urlencoded; charset=UTF-8')).toEqual({
      user_count: ['5'], spawn_rate: ['1.5'], tag: ['a', 'b'], host: ['http://x'],
    });
    expect(fields('a=1')).toEqual({ a: ['1'] });
  });

  it('reads JSON objects of scalars and lists', () => {
    expect(fields('{"user_count":5,"stream":true,"tags":["a",2],"skip":null}', 'application/json')).toEqual({
      user_count: ['5'], stream: ['true'], tags: ['a', '2'],
    });
    expect(() => fields('[1]', 'application/json')).toThrow('The JSON body must be an object');
    expect(() => fields('{"a":{"b":1}}', 'application/json')).toThrow(/must be a string, a number/);
  });

  it('reads multipart text fields, in UTF-8, with quoted boundaries', () => {
    const body = [
      '--XyZ', 'Content-Disposition: form-data; name="user_count"', '', '3',
      '--XyZ', 'content-disposition: form-data; name="host"', 'Content-Type: text/plain', '', 'http://é.example\r\nline2',
      '--XyZ--', '',
    ].join('\r\n');
    expect(fields(body, 'multipart/form-data; boundary="XyZ"')).toEqual({ user_count: ['3'], host: ['http://é.example\r\nline2'] });
    expect(() => fields(body, 'multipart/form-data')).toThrow('multipart/form-data without a boundary');
  });

  it('refuses other content types with 415', () => {
    try {
      fields('<a/>', 'text/xml');
      expect.unreachable();
    } catch (err) {
      expect((err as { status: number }).status).toBe(415);
    }
  });
});
