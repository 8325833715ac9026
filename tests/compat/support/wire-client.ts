import { request as httpRequest } from 'node:http';

/** A reply as a wire-level client sees it. */
export interface WireReply {
  status: number;
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON that tests index freely.
  json: any;
  text: string;
  headers: Headers;
}

/** Query parameters as Python's `requests` encodes them: lists become repeated keys. */
export type QueryParams = Record<
  string,
  string | number | boolean | (string | number)[] | undefined
>;

/**
 * Plain-fetch access to a server, shaped like the requests MLflow's Python client sends:
 * GET with query parameters (repeated keys for lists), other verbs with JSON bodies.
 */
export function wireClient(baseUrl: string) {
  const send = async (method: string, path: string, init: RequestInit = {}): Promise<WireReply> => {
    const response = await fetch(`${baseUrl}${path}`, { method, ...init });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      json,
      text,
      headers: response.headers,
    };
  };
  return {
    send,
    /** GET `path` with `params` in the query string. */
    get: (path: string, params: QueryParams = {}) => send('GET', `${path}${queryString(params)}`),
    /** `method` (POST by default) with a JSON body, as `requests.request(json=...)` sends it. */
    post: (path: string, body: unknown, method = 'POST') =>
      send(method, path, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

/** `?a=1&b=x&b=y` from `{a: 1, b: ['x', 'y']}`; undefined values are left out. */
export function queryString(params: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Sends a request with `rawPath` exactly as given. fetch normalises dot segments (even encoded
 * ones such as `%2e%2e`) before sending, which would hide what a hostile client can send.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  rawPath: string,
  body?: string,
): Promise<{ status: number; json: { error_code?: string; message?: string } | undefined }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        headers: { 'content-type': 'text/plain' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => {
          let json: { error_code?: string; message?: string } | undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, json });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
