/** An API failure with the HTTP status and MLflow's error code, when the server sent one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }

  /** True when the endpoint does not exist on this server (an older or partial deployment). */
  get notAvailable(): boolean {
    return (
      this.status === 404 &&
      (this.errorCode === undefined || this.errorCode === 'ENDPOINT_NOT_FOUND')
    );
  }
}

type Query = Record<string, string | number | boolean | undefined | readonly string[]>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function send<T>(
  method: string,
  path: string,
  body?: unknown,
  query: Query = {},
): Promise<T> {
  const response = await fetch(`${path}${queryString(query)}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (!response.ok) {
    const error = json as { message?: string; error_code?: string };
    throw new ApiError(
      error.message || `${method} ${path} failed with HTTP ${response.status}`,
      response.status,
      error.error_code,
    );
  }
  return json as T;
}

/** Calls MLflow-style JSON endpoints: GET with a query string, other verbs with a JSON body. */
export const api = {
  get: <T>(path: string, query: Query = {}) => send<T>('GET', path, undefined, query),
  post: <T>(path: string, body: unknown = {}) => send<T>('POST', path, body),
  patch: <T>(path: string, body: unknown = {}) => send<T>('PATCH', path, body),
  delete: <T>(path: string, body: unknown = {}) => send<T>('DELETE', path, body),
  /** Fetches raw text (artifacts, markdown cards). */
  async text(path: string, query: Query = {}): Promise<string> {
    const response = await fetch(`${path}${queryString(query)}`);
    if (!response.ok) throw new ApiError(`HTTP ${response.status}`, response.status);
    return response.text();
  },
};

/** Base paths of the REST API. */
export const mlflow = '/ajax-api/2.0/mlflow';
export const mlflow3 = '/ajax-api/3.0/mlflow';
export const cairn = '/ajax-api/2.0/cairn';

/** URL of one run artifact, for images and downloads. */
export function artifactUrl(runId: string, path: string): string {
  return `/get-artifact${queryString({ run_id: runId, path })}`;
}
