import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CairnError } from '../errors.js';
import { percentDecode, safeArtifactPath } from './artifact-path.js';
import { hostilePaths } from './test-kit/hostile-paths.js';

function rejection(path: string): CairnError | undefined {
  try {
    safeArtifactPath(path);
    return undefined;
  } catch (error) {
    return error as CairnError;
  }
}

describe('safeArtifactPath', () => {
  for (const [name, paths] of Object.entries(hostilePaths)) {
    it(`rejects ${name}`, () => {
      for (const path of paths) {
        const error = rejection(path);
        expect(error, path).toBeInstanceOf(CairnError);
        expect([error?.errorCode, error?.message]).toEqual([
          'INVALID_PARAMETER_VALUE',
          'Invalid path',
        ]);
      }
    });
  }

  it('rejects paths that keep decoding past ten rounds', () => {
    expect(rejection(`${'%25'.repeat(1)}${'25'.repeat(12)}2e`)).toBeInstanceOf(CairnError);
  });

  it('normalises safe paths and keeps their literal names', () => {
    expect(safeArtifactPath('')).toBe('');
    expect(safeArtifactPath('a//b/./c/')).toBe('a/b/c');
    expect(safeArtifactPath('./model/MLmodel')).toBe('model/MLmodel');
    // Names are stored as given; decoding is only for the safety check.
    expect(safeArtifactPath('a%20b.txt')).toBe('a%20b.txt');
    expect(safeArtifactPath('100%.txt')).toBe('100%.txt');
    for (const name of ['...', '..a', 'a..b', '.hidden', 'données/é.txt', 'a b/c+d@e=f,g']) {
      expect(safeArtifactPath(name)).toBe(name);
    }
  });

  it('never lets an accepted path, in any decoded form, leave its root', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '',
        '%2e',
        '%2e%2e',
        '%252e',
        '%2f',
        '%5c',
        'a',
        'b.txt',
        '%',
        '%25',
      ),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        const path = segments.join('/');
        if (rejection(path) !== undefined) return;
        let form = safeArtifactPath(path);
        for (let round = 0; round < 12; round++) {
          const resolved = posix.resolve('/root', form.replaceAll('\\', '/'));
          expect(resolved === '/root' || resolved.startsWith('/root/'), form).toBe(true);
          form = percentDecode(form);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('percentDecode', () => {
  it('decodes UTF-8 escapes and leaves malformed ones', () => {
    expect(percentDecode('%C3%A9t%C3%A9%2F%zz%')).toBe('été/%zz%');
  });
});
