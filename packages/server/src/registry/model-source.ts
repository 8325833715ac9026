import { proxiedArtifactPath, safeArtifactPath } from '../artifacts/index.js';
import { invalidParameter } from '../errors.js';

/** Where a model version's files are, once its `source` has been checked. */
export type ModelSource =
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'proxied'; path: string }
  | { kind: 'placeholder' };

const runIdPattern = /^[a-zA-Z0-9][\w-]{0,255}$/;

/**
 * Checks a model version `source`. Accepted: `runs:/<run_id>/<path>` and `mlflow-artifacts:`
 * URIs, whose paths are confined to the artifact root (every percent-decoding round is checked
 * for `..`, NUL, backslashes, `#`, `?` and `;`, the CVE-2023-1177 / 2023-2356 / 2024-1483 /
 * 2025-11201 classes); and, for prompts only, MLflow's placeholder word (`dummy-source`).
 * Local paths, `file:` and every other scheme are refused: the server would read them itself.
 */
export function parseModelSource(source: string, options: { isPrompt: boolean }): ModelSource {
  const refuse = (why: string) =>
    invalidParameter(
      `Invalid model version source: '${source.slice(0, 200)}'. ${why} Use runs:/<run_id>/<path> or a mlflow-artifacts:/ URI.`,
    );
  if (/[\0\\]/.test(source)) throw refuse('It contains NUL or backslash characters.');
  if (source.startsWith('runs:')) {
    const match = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(source);
    if (!match || !runIdPattern.test(match[1]!)) throw refuse('It names no valid run id.');
    return { kind: 'run', runId: match[1]!, path: confined(match[2] ?? '', refuse) };
  }
  if (source.startsWith('mlflow-artifacts:')) {
    let path: string;
    try {
      path = proxiedArtifactPath(source);
    } catch {
      throw refuse('Its path leaves the artifact root or smuggles a delimiter.');
    }
    if (path === '') throw refuse('It names the artifact root itself.');
    return { kind: 'proxied', path };
  }
  if (options.isPrompt && /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(source) && !source.includes('..'))
    return { kind: 'placeholder' };
  throw refuse('Local paths and other URI schemes are not accepted.');
}

function confined(path: string, refuse: (why: string) => Error): string {
  try {
    return safeArtifactPath(path);
  } catch {
    throw refuse('Its path leaves the run artifact root or smuggles a delimiter.');
  }
}

/** Joins a run's artifact URI and a run-relative path, as MLflow's `get-download-uri` does. */
export function runArtifactUri(runArtifactUri: string, path: string): string {
  const base = runArtifactUri.replace(/\/+$/, '');
  return path === '' ? base : `${base}/${path}`;
}
