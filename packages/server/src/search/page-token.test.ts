import { describe, expect, it } from 'vitest';
import { globPattern, likePattern } from './like-pattern.js';
import { decodePageToken, encodePageToken } from './page-token.js';

describe('page tokens', () => {
  it('use MLflow\'s format: base64 of {"offset": N}', () => {
    expect(encodePageToken(100)).toBe(Buffer.from('{"offset": 100}').toString('base64'));
    expect(decodePageToken(encodePageToken(2500))).toBe(2500);
    expect(decodePageToken(Buffer.from('{"offset": "7"}').toString('base64'))).toBe(7);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it.each([
    ['not base64!', /Invalid page token, could not base64-decode/],
    ['abc', /could not base64-decode/],
    ['x'.repeat(400), /could not base64-decode/],
    [Buffer.from('nope').toString('base64'), /Invalid page token, decoded value=nope/],
    [Buffer.from('{"offset": 0}').toString('base64'), /Invalid page token, parsed value=/],
    [Buffer.from('{"offset": -5}').toString('base64'), /parsed value=/],
    [Buffer.from('{"offset": 1.5}').toString('base64'), /parsed value=/],
    [Buffer.from('{"other": 5}').toString('base64'), /parsed value=/],
    [Buffer.from('[5]').toString('base64'), /parsed value=/],
    [Buffer.from('null').toString('base64'), /parsed value=/],
  ])('refuses %s', (token, message) => {
    expect(() => decodePageToken(token)).toThrow(message);
  });
});

describe('LIKE patterns', () => {
  it('normalise escapes so every pattern is valid', () => {
    expect(likePattern('a%b_c')).toBe('a%b_c');
    expect(likePattern('100\\%')).toBe('100\\%');
    expect(likePattern('ends\\')).toBe('ends\\\\');
    expect(likePattern('a\\b')).toBe('ab');
  });

  it('become GLOB patterns with GLOB metacharacters taken literally', () => {
    expect(globPattern('a%b_c')).toBe('a*b?c');
    expect(globPattern('x*?[y]')).toBe('x[*][?][[]y]');
    expect(globPattern('100\\%')).toBe('100%');
    expect(globPattern('\\_')).toBe('_');
  });
});
