const proxyPath = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * The HTTP URL of an artifact given its run's `artifact_uri` and a run-relative path.
 * `mlflow-artifacts:/x` resolves against the tracking server, `mlflow-artifacts://host:port/x`
 * pins a host (scheme taken from the tracking URI), and `http(s)://` artifact URIs are used as
 * they are. Each path segment is percent-encoded; `..` and `.` segments are refused.
 *
 * @example artifactUrl('http://h:5000', 'mlflow-artifacts:/1/r/artifacts', 'a b.txt')
 *   // 'http://h:5000/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b.txt'
 */
export function artifactUrl(trackingUri: string, artifactUri: string, path = ''): string {
  const relative = splitArtifactPath(path);
  let base: string;
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const rest = artifactUri.slice('mlflow-artifacts:'.length);
    if (rest.startsWith('//')) {
      const pinned = new URL(`${new URL(trackingUri).protocol}${rest}`);
      base = `${pinned.origin}${proxyPath}${encodeSegments(pinned.pathname)}`;
    } else {
      base = `${trackingUri}${proxyPath}${encodeSegments(rest)}`;
    }
  } else if (/^https?:\/\//.test(artifactUri)) {
    base = artifactUri.replace(/\/+$/, '');
  } else {
    throw new Error(
      `Artifact URI '${artifactUri}' is not served through the tracking server; the SDK handles ` +
        "mlflow-artifacts: and http(s): artifact URIs (run the server with artifact proxying, Cairn's default).",
    );
  }
  return relative.length === 0 ? base : `${base}/${relative.map(encodeURIComponent).join('/')}`;
}

/** The segments of a relative artifact path; refuses traversal and absolute paths. */
export function splitArtifactPath(path: string): string[] {
  if (path.startsWith('/') || path.includes('\\')) {
    throw new Error(`Artifact path '${path}' must be relative and use '/' separators.`);
  }
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    throw new Error(`Artifact path '${path}' must not contain '.' or '..' segments.`);
  }
  return segments;
}

/** Joins artifact path parts with '/', ignoring empty ones. */
export function joinArtifactPath(...parts: (string | undefined)[]): string {
  return parts
    .filter((part): part is string => part !== undefined && part !== '')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
}

function encodeSegments(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.length === 0 ? '' : `/${segments.map(encodeURIComponent).join('/')}`;
}
