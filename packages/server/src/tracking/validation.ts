import { invalidParameter } from '../errors.js';

/** MLflow's limits (mlflow/utils/validation.py). */
export const limits = {
  metricsPerBatch: 1000,
  paramsOrTagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  runTagValueLength: 8000,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 5000,
  experimentNameLength: 500,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65535,
  datasetSchemaLength: 1048575,
  datasetProfileLength: 16777215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
} as const;

// Python's `\w` is Unicode-aware, so letters and digits of any script are allowed.
const validKeyPattern = /^[\p{L}\p{N}_/.\- :]*$/u;
const badCharactersMessage =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** What a key names, as MLflow words it in messages: metric, parameter or tag. */
export type KeyKind = 'metric' | 'parameter' | 'tag';

/** Rejects a metric, param or tag key that MLflow would reject (characters, path shape, length). */
export function validateKey(kind: KeyKind, key: string): void {
  if (!validKeyPattern.test(key)) {
    throw invalidParameter(`Invalid ${kind} name: '${key}'. ${badCharactersMessage}`);
  }
  const normalized = posixNormpath(key);
  if (
    normalized !== key ||
    normalized === '.' ||
    normalized.startsWith('..') ||
    normalized.startsWith('/')
  ) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalized}'`,
    );
  }
  const entity = kind === 'metric' ? 'Metric name' : kind === 'parameter' ? 'Param key' : 'Tag key';
  checkLength(entity, limits.keyLength, key);
}

/** Fails with MLflow's message when `value` is longer than `limit` characters. */
export function checkLength(entity: string, limit: number, value: string): void {
  if (value.length > limit) {
    throw invalidParameter(
      `${entity} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
}

/** Cuts an over-long param or run-tag value, as MLflow does by default (MLFLOW_TRUNCATE_LONG_VALUES). */
export function truncate(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) : value;
}

/** Python's posixpath.normpath, which MLflow uses to decide a key resolves to itself. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  // POSIX keeps exactly two leading slashes but folds three or more into one.
  if (path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts.at(-1) === '..') {
      parts.push(part);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/** Rejects a log-batch request over MLflow's per-request limits. */
export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  checkBatchLimit('metrics', limits.metricsPerBatch, metrics);
  checkBatchLimit('params', limits.paramsOrTagsPerBatch, params);
  checkBatchLimit('tags', limits.paramsOrTagsPerBatch, tags);
  checkBatchLimit('metrics, params, and tags', limits.entitiesPerBatch, metrics + params + tags);
}

function checkBatchLimit(entity: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${count} ${entity}. Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/** Rejects an experiment name MLflow would reject. */
export function validateExperimentName(name: string): void {
  if (name === '') throw invalidParameter(`Invalid experiment name: '${name}'`);
  if (name.length > limits.experimentNameLength) {
    throw invalidParameter(
      `Experiment name exceeds the maximum length of ${limits.experimentNameLength} characters`,
    );
  }
}

// Python's urlparse only splits `;params` off the path for these schemes.
const schemesWithParams = new Set([
  '',
  'ftp',
  'hdl',
  'prospero',
  'http',
  'imap',
  'https',
  'shttp',
  'rtsp',
  'rtspu',
  'sip',
  'sips',
  'mms',
  'sftp',
  'tel',
]);

/**
 * Rejects an experiment artifact location MLflow would reject: a `runs:` URI, a URL fragment or
 * `;params`, or a query string that decodes to something containing `..` (a traversal attempt).
 */
export function validateArtifactLocation(location: string): void {
  if (location.startsWith('runs:')) {
    throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(location);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? '';
  const hashIndex = location.indexOf('#');
  const beforeFragment = hashIndex === -1 ? location : location.slice(0, hashIndex);
  const fragment = hashIndex === -1 ? '' : location.slice(hashIndex + 1);
  const queryIndex = beforeFragment.indexOf('?');
  const pathPart = queryIndex === -1 ? beforeFragment : beforeFragment.slice(0, queryIndex);
  const query = queryIndex === -1 ? '' : beforeFragment.slice(queryIndex + 1);
  const lastSegment = pathPart.slice(pathPart.lastIndexOf('/') + 1);
  const hasParams = schemesWithParams.has(scheme) && /;./.test(lastSegment);
  if (fragment !== '' || hasParams) {
    throw invalidParameter("'artifact_location' URL can't include fragments or params.");
  }
  if (fullyDecode(query).includes('..')) throw invalidParameter('Invalid query string');
}

function fullyDecode(text: string): string {
  let current = text;
  // Decode until stable, so double-encoded `%252e%252e` cannot slip through.
  for (let round = 0; round < 10; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current.replaceAll('+', ' '));
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}
