import { CairnApiError } from '@cairn/sdk';

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** One line for a failed call to the tracking server, saying what to do next. */
export function describeTrackingError(error: unknown, trackingUri: string): string {
  const networkCode = findNetworkCode(error);
  if (networkCode) {
    return `cannot reach a tracking server at ${trackingUri} (${networkCode}). Start one with \`npx cairn server\`, or point --tracking-uri / CAIRN_TRACKING_URI at yours.`;
  }
  if (error instanceof CairnApiError) {
    if (error.httpStatus === 0) {
      return `cannot reach a tracking server at ${trackingUri} (${error.message}). Start one with \`npx cairn server\`, or point --tracking-uri / CAIRN_TRACKING_URI at yours.`;
    }
    if (error.errorCode === 'ENDPOINT_NOT_FOUND') {
      return `${trackingUri} does not serve this request (${error.message}); is it a Cairn or MLflow tracking server, and is it up to date?`;
    }
    return `${error.message} (${error.errorCode}, HTTP ${error.httpStatus})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Walks an error's `cause` chain for a socket error code such as ECONNREFUSED. */
function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && unreachableCodes.has(code)) return code;
    const nested = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) {
      const inner = nested.map(findNetworkCode).find(Boolean);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
