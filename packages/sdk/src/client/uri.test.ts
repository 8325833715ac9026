import { describe, expect, it } from 'vitest';
import { artifactUrl, joinArtifactPath, splitArtifactPath } from './artifact-uri.js';
import { parseTrackingUri } from './tracking-uri.js';

describe('parseTrackingUri', () => {
  it('normalises http(s) URIs', () => {
    expect(parseTrackingUri('http://localhost:5000/')).toBe('http://localhost:5000');
    expect(parseTrackingUri(' https://cairn.example.com/mlflow// ')).toBe(
      'https://cairn.example.com/mlflow',
    );
  });

  it('refuses what only MLflow itself can serve, and credentials', () => {
    expect(() => parseTrackingUri('./mlruns')).toThrow(/not a URL/);
    expect(() => parseTrackingUri('file:///tmp/mlruns')).toThrow(/scheme 'file:'/);
    expect(() => parseTrackingUri('databricks://profile')).toThrow(/not supported/);
    expect(() => parseTrackingUri('http://user:secret@host')).toThrow(/credentials/);
  });
});

describe('artifactUrl', () => {
  const tracking = 'http://127.0.0.1:5000';
  it('resolves mlflow-artifacts: URIs through the tracking server', () => {
    expect(artifactUrl(tracking, 'mlflow-artifacts:/1/abc/artifacts', 'dir/a b.txt')).toBe(
      'http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/dir/a%20b.txt',
    );
    expect(artifactUrl(tracking, 'mlflow-artifacts:/1/abc/artifacts')).toBe(
      'http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts',
    );
  });

  it('honours a pinned host and plain http artifact roots', () => {
    expect(artifactUrl(tracking, 'mlflow-artifacts://other:9000/2/r/artifacts', 'x')).toBe(
      'http://other:9000/api/2.0/mlflow-artifacts/artifacts/2/r/artifacts/x',
    );
    expect(artifactUrl(tracking, 'https://h/api/2.0/mlflow-artifacts/artifacts/2/', 'x')).toBe(
      'https://h/api/2.0/mlflow-artifacts/artifacts/2/x',
    );
  });

  it('refuses storage the server does not proxy, and traversal', () => {
    expect(() => artifactUrl(tracking, 's3://bucket/1/r/artifacts', 'x')).toThrow(
      /mlflow-artifacts/,
    );
    expect(() => artifactUrl(tracking, 'mlflow-artifacts:/1/r/artifacts', '../../x')).toThrow(
      /'\.\.'/,
    );
    expect(() => splitArtifactPath('/etc/passwd')).toThrow(/relative/);
  });

  it('joins paths without doubled or trailing slashes', () => {
    expect(joinArtifactPath(undefined, 'a/', '/b.txt')).toBe('a/b.txt');
    expect(joinArtifactPath('', '')).toBe('');
  });
});
