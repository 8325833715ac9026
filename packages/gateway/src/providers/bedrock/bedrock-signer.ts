import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { BedrockSettings } from './bedrock-options.js';

/** Produces the final headers of a Bedrock request: SigV4-signed, or with the API key. */
export type BedrockAuthorizer = (
  url: URL,
  headers: Record<string, string>,
  body: string,
) => Promise<Record<string, string>>;

/** Builds the authorizer for a model's settings (SigV4 for service `bedrock` in its region). */
export function bedrockAuthorizer(settings: BedrockSettings): BedrockAuthorizer {
  if (settings.bearerToken !== undefined) {
    const authorization = `Bearer ${settings.bearerToken}`;
    return async (_url, headers) => ({ ...headers, authorization });
  }
  const signer = new SignatureV4({
    credentials: settings.credentials!,
    region: settings.region,
    service: 'bedrock',
    sha256: Hash.bind(null, 'sha256'),
  });
  return async (url, headers, body) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body,
    });
    // fetch sets Host itself from the URL (the same value that was signed).
    const { host: _host, ...rest } = signed.headers;
    return rest;
  };
}
