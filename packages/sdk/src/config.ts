/** The SDK's settings as the environment gives them: the one place the SDK reads `process.env`. */
export interface SdkEnvironment {
  /** `CAIRN_TRACKING_URI`, else MLflow's `MLFLOW_TRACKING_URI`. */
  trackingUri?: string;
  /** `CAIRN_EXPERIMENT_NAME`, else `MLFLOW_EXPERIMENT_NAME`. */
  experimentName?: string;
  /** `CAIRN_EXPERIMENT_ID`, else `MLFLOW_EXPERIMENT_ID`. */
  experimentId?: string;
  /** `CAIRN_PRICE_CATALOGUE`: path of a JSON file overriding model prices. */
  priceCataloguePath?: string;
  /** `CAIRN_TRACKING_TOKEN`, else `MLFLOW_TRACKING_TOKEN`: sent as a bearer token. */
  trackingToken?: string;
  /** `CAIRN_TRACKING_USERNAME`/`_PASSWORD`, else MLflow's: sent as HTTP basic auth. */
  trackingUsername?: string;
  trackingPassword?: string;
  /** `CAIRN_TRACE_SAMPLING_RATIO`: share of traces kept, 0..1 (invalid values are ignored). */
  traceSamplingRatio?: number;
  /** `OTEL_SERVICE_NAME`: the `service.name` resource attribute of exported spans. */
  serviceName?: string;
}

/** Reads the SDK's environment variables; empty values count as unset. */
export function readSdkEnvironment(env: NodeJS.ProcessEnv = process.env): SdkEnvironment {
  const pick = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  return {
    trackingUri: pick('CAIRN_TRACKING_URI', 'MLFLOW_TRACKING_URI'),
    experimentName: pick('CAIRN_EXPERIMENT_NAME', 'MLFLOW_EXPERIMENT_NAME'),
    experimentId: pick('CAIRN_EXPERIMENT_ID', 'MLFLOW_EXPERIMENT_ID'),
    priceCataloguePath: pick('CAIRN_PRICE_CATALOGUE'),
    trackingToken: pick('CAIRN_TRACKING_TOKEN', 'MLFLOW_TRACKING_TOKEN'),
    trackingUsername: pick('CAIRN_TRACKING_USERNAME', 'MLFLOW_TRACKING_USERNAME'),
    trackingPassword: pick('CAIRN_TRACKING_PASSWORD', 'MLFLOW_TRACKING_PASSWORD'),
    traceSamplingRatio: ratio(pick('CAIRN_TRACE_SAMPLING_RATIO')),
    serviceName: pick('OTEL_SERVICE_NAME'),
  };
}

function ratio(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

/** Where `cairn server` listens by default; used when no tracking URI is configured. */
export const defaultTrackingUri = 'http://127.0.0.1:5000';
