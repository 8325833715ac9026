import { join } from 'node:path';
import { type JudgeSettings, judgeSettingsFromEnv } from '@cairn/evaluation';
import type { ArtifactStoreSettings } from './artifacts/index.js';

/** Everything `cairn server` needs to start; built from flags and environment in one place. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `sqlite:///path.db` or `postgresql://user:pass@host:port/db`. */
  backendStoreUri: string;
  /** A local directory or file:// URI, `s3://bucket/prefix`, `wasbs://container@account.blob.core.windows.net/prefix` or `azure://container/prefix`. */
  artifactsDestination: string;
  /** Endpoints and credentials for S3 and Azure Blob destinations. */
  artifactStore: ArtifactStoreSettings;
  workers: number;
  /** Largest accepted JSON body, in bytes. */
  bodyLimitBytes: number;
  /** Log level for the server's request log. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Let webhooks reach private, loopback and link-local addresses (off: SSRF protection). */
  webhooksAllowPrivate: boolean;
  /** Where online-evaluation judges point (CAIRN_GATEWAY_URL, OPENAI_BASE_URL, OPENAI_API_KEY). */
  evaluationJudge?: JudgeSettings;
  /** A gateway YAML to mount in the server (`--gateway-config`, CAIRN_GATEWAY_CONFIG). */
  gatewayConfig?: string;
}

/** Flags as the CLI passes them; any may be absent. */
export type ServerFlags = Partial<
  Pick<
    ServerConfig,
    | 'host'
    | 'port'
    | 'backendStoreUri'
    | 'artifactsDestination'
    | 'workers'
    | 'logLevel'
    | 'gatewayConfig'
  >
>;

/**
 * The single place that reads Cairn's server settings from the environment. Flags win over
 * environment variables, which win over the embedded defaults (SQLite and local artifacts under
 * `<cwd>/cairn-data`).
 */
export function loadServerConfig(
  flags: ServerFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ServerConfig {
  const dataDir = join(cwd, 'cairn-data');
  return {
    host: flags.host ?? env.CAIRN_HOST ?? '127.0.0.1',
    port: flags.port ?? integerFrom(env.CAIRN_PORT, 'CAIRN_PORT') ?? 5000,
    backendStoreUri:
      flags.backendStoreUri ??
      env.CAIRN_BACKEND_STORE_URI ??
      `sqlite:///${join(dataDir, 'cairn.db')}`,
    artifactsDestination:
      flags.artifactsDestination ?? env.CAIRN_ARTIFACTS_DESTINATION ?? join(dataDir, 'artifacts'),
    artifactStore: artifactStoreSettings(env),
    workers: flags.workers ?? integerFrom(env.CAIRN_WORKERS, 'CAIRN_WORKERS') ?? 1,
    bodyLimitBytes:
      integerFrom(env.CAIRN_BODY_LIMIT_BYTES, 'CAIRN_BODY_LIMIT_BYTES') ?? 64 * 1024 * 1024,
    logLevel:
      flags.logLevel ?? (env.CAIRN_LOG_LEVEL as ServerConfig['logLevel'] | undefined) ?? 'warn',
    webhooksAllowPrivate: /^(1|true|yes)$/i.test(env.CAIRN_WEBHOOKS_ALLOW_PRIVATE ?? ''),
    evaluationJudge: judgeSettingsFromEnv(env),
    ...gatewayConfigOf(flags.gatewayConfig ?? (env.CAIRN_GATEWAY_CONFIG || undefined)),
  };
}

/**
 * S3 and Azure settings under the names MLflow and the cloud SDKs use. Path-style S3 addressing
 * (which MinIO and most S3-compatible servers need) is the default when a custom endpoint is set;
 * CAIRN_S3_ADDRESSING_STYLE=path|virtual overrides it.
 */
function artifactStoreSettings(env: NodeJS.ProcessEnv): ArtifactStoreSettings {
  const endpointUrl =
    env.MLFLOW_S3_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const style = env.CAIRN_S3_ADDRESSING_STYLE;
  if (style && style !== 'path' && style !== 'virtual') {
    throw new Error(`CAIRN_S3_ADDRESSING_STYLE must be 'path' or 'virtual', got '${style}'.`);
  }
  return {
    s3: {
      endpointUrl,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
      accessKeyId: env.AWS_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY || undefined,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
      forcePathStyle: style ? style === 'path' : endpointUrl !== undefined,
    },
    azure: {
      connectionString: env.AZURE_STORAGE_CONNECTION_STRING || undefined,
      accountName: env.AZURE_STORAGE_ACCOUNT || undefined,
      accountKey: env.AZURE_STORAGE_ACCESS_KEY || env.AZURE_STORAGE_ACCOUNT_KEY || undefined,
    },
  };
}

function gatewayConfigOf(path: string | undefined): Pick<ServerConfig, 'gatewayConfig'> {
  return path ? { gatewayConfig: path } : {};
}

function integerFrom(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got '${text}'.`);
  return value;
}
