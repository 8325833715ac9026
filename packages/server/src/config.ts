import { join } from 'node:path';

/** Everything `cairn server` needs to start; built from flags and environment in one place. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `sqlite:///path.db` or `postgresql://user:pass@host:port/db`. */
  backendStoreUri: string;
  /** A local directory, `s3://bucket/prefix`, or `wasbs://container@account.blob.core.windows.net/prefix`. */
  artifactsDestination: string;
  workers: number;
  /** Largest accepted JSON body, in bytes. */
  bodyLimitBytes: number;
  /** Log level for the server's request log. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

/** Flags as the CLI passes them; any may be absent. */
export type ServerFlags = Partial<
  Pick<
    ServerConfig,
    'host' | 'port' | 'backendStoreUri' | 'artifactsDestination' | 'workers' | 'logLevel'
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
    workers: flags.workers ?? integerFrom(env.CAIRN_WORKERS, 'CAIRN_WORKERS') ?? 1,
    bodyLimitBytes:
      integerFrom(env.CAIRN_BODY_LIMIT_BYTES, 'CAIRN_BODY_LIMIT_BYTES') ?? 64 * 1024 * 1024,
    logLevel:
      flags.logLevel ?? (env.CAIRN_LOG_LEVEL as ServerConfig['logLevel'] | undefined) ?? 'warn',
  };
}

function integerFrom(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got '${text}'.`);
  return value;
}
