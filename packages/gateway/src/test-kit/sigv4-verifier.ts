import { createHash, createHmac } from 'node:crypto';
import type { RecordedRequest } from './fake-provider-server.js';

/** What a SigV4 check found: the parts of the Authorization header and whether it verified. */
export interface SigV4Check {
  accessKeyId: string;
  scope: string;
  signedHeaders: string[];
  valid: boolean;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded (AWS's UriEncode).
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Recomputes AWS Signature Version 4 for a request the fake server received, independently of
 * the signer under test (the algorithm as AWS documents it for non-S3 services: the path is
 * URI-encoded once more), and compares it with the request's Authorization header.
 */
export function verifySigV4(request: RecordedRequest, secretAccessKey: string): SigV4Check {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return { accessKeyId: '', scope: '', signedHeaders: [], valid: false };
  const [, accessKeyId, scope, signedHeaderList, signature] = match as unknown as string[];
  const signedHeaders = signedHeaderList!.split(';');
  const [date, region, service] = scope!.split('/');
  const url = new URL(request.url, 'http://placeholder');
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`)
    .sort()
    .join('&');
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaderList,
    sha256(request.body),
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return { accessKeyId: accessKeyId!, scope: scope!, signedHeaders, valid: expected === signature };
}
