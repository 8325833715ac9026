import { describe, expect, it } from 'vitest';
import { sampleSteps } from './metric-history.js';
import { randomRunName } from './run-names.js';
import {
  posixNormpath,
  validateArtifactLocation,
  validateBatchLimits,
  validateKey,
} from './validation.js';

describe('posixNormpath', () => {
  it('matches Python posixpath.normpath', () => {
    const cases: [string, string][] = [
      ['', '.'],
      ['a', 'a'],
      ['a//b', 'a/b'],
      ['a/./b', 'a/b'],
      ['a/b/', 'a/b'],
      ['a/../b', 'b'],
      ['../a', '../a'],
      ['/a/../..', '/'],
      ['//a', '//a'],
      ['///a', '/a'],
      ['.', '.'],
    ];
    for (const [input, expected] of cases) expect(posixNormpath(input), input).toBe(expected);
  });
});

describe('validateKey', () => {
  it('accepts MLflow-valid names', () => {
    for (const key of ['loss', 'a/b', 'with space', 'x.y-z_1', 'colon:ok', 'ünïcode']) {
      expect(() => validateKey('metric', key), key).not.toThrow();
    }
  });

  it('rejects bad characters, non-normal paths and long names with MLflow messages', () => {
    expect(() => validateKey('metric', 'a!b')).toThrow(
      "Invalid metric name: 'a!b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).",
    );
    expect(() => validateKey('parameter', 'a//b')).toThrow(
      "Invalid parameter name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'",
    );
    for (const key of ['.', '..', '../x', '/abs', 'trailing/']) {
      expect(() => validateKey('tag', key), key).toThrow(/Invalid tag name/);
    }
    expect(() => validateKey('tag', 'k'.repeat(251))).toThrow(
      /had length 251, which exceeded length limit of 250/,
    );
  });
});

describe('validateBatchLimits', () => {
  it('allows exactly the limits and names the first exceeded one', () => {
    expect(() => validateBatchLimits(1000, 0, 0)).not.toThrow();
    expect(() => validateBatchLimits(900, 100, 0)).not.toThrow();
    expect(() => validateBatchLimits(0, 0, 101)).toThrow(
      'A batch logging request can contain at most 100 tags. Got 101 tags. Please split up tags across multiple requests and try again.',
    );
    expect(() => validateBatchLimits(901, 100, 0)).toThrow(
      /at most 1000 metrics, params, and tags/,
    );
  });
});

describe('validateArtifactLocation', () => {
  it('accepts plain locations and refuses runs:, fragments, params and traversal queries', () => {
    for (const location of [
      's3://b/p',
      '/tmp/artifacts',
      'mlflow-artifacts:/x',
      'http://h/p?x=1',
    ]) {
      expect(() => validateArtifactLocation(location), location).not.toThrow();
    }
    expect(() => validateArtifactLocation('runs:/abc/m')).toThrow(
      "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/m'",
    );
    expect(() => validateArtifactLocation('http://h/p#f')).toThrow(
      "'artifact_location' URL can't include fragments or params.",
    );
    expect(() => validateArtifactLocation('https://h/p;x')).toThrow(/fragments or params/);
    expect(() => validateArtifactLocation('s3://b/p?a=%252E%252E/x')).toThrow(
      'Invalid query string',
    );
  });
});

describe('sampleSteps', () => {
  it('keeps every step when there are few, and samples evenly plus the last otherwise', () => {
    expect([...sampleSteps([1, 2, 3], 0, 10, 5)]).toEqual([1, 2, 3]);
    const steps = Array.from({ length: 10 }, (_, index) => index * 2);
    expect([...sampleSteps(steps, 0, 18, 3)].sort((a, b) => a - b)).toEqual([0, 6, 12, 18]);
    expect([...sampleSteps(steps, 4, 9, 100)]).toEqual([4, 6, 8]);
  });
});

describe('randomRunName', () => {
  it('makes adjective-animal-number names of at most 20 characters', () => {
    for (let index = 0; index < 200; index++) {
      const name = randomRunName();
      expect(name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(name.length).toBeLessThanOrEqual(20);
    }
  });
});
