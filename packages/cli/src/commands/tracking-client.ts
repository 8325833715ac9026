import { CairnClient } from '@cairn/sdk';
import { Option } from 'commander';
import { describeTrackingError } from './tracking-error.js';

/** Where the tracking server is when neither the flag nor the environment says. */
export const defaultTrackingUri = 'http://127.0.0.1:5000';

/** The flag every client command takes; its help names the environment fallbacks. */
export function trackingUriOption(): Option {
  return new Option(
    '--tracking-uri <uri>',
    `tracking server URL (default: $CAIRN_TRACKING_URI, then $MLFLOW_TRACKING_URI, then ${defaultTrackingUri})`,
  );
}

/** Flag, then CAIRN_TRACKING_URI, then MLFLOW_TRACKING_URI, then the local default. */
export function resolveTrackingUri(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const uri = flag || env.CAIRN_TRACKING_URI || env.MLFLOW_TRACKING_URI || defaultTrackingUri;
  if (!/^https?:\/\//i.test(uri)) {
    throw new Error(
      `tracking URI '${uri}' is not an http(s) URL; pass e.g. --tracking-uri ${defaultTrackingUri}.`,
    );
  }
  return uri.replace(/\/+$/, '');
}

/**
 * Runs `work` with a client for the resolved tracking server, turning any failure into one
 * line that says what went wrong and what to do about it.
 */
export async function withTrackingClient<T>(
  flag: string | undefined,
  work: (client: CairnClient, trackingUri: string) => Promise<T>,
): Promise<T> {
  const trackingUri = resolveTrackingUri(flag);
  // A command line should fail fast when the server is down, not retry for half a minute.
  const client = new CairnClient({
    trackingUri,
    retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 1000 },
  });
  try {
    return await work(client, trackingUri);
  } catch (error) {
    throw new Error(describeTrackingError(error, trackingUri), { cause: error });
  }
}
