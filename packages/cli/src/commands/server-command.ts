import cluster, { type Worker } from 'node:cluster';
import {
  loadServerConfig,
  openStorage,
  redactPassword,
  type ServerConfig,
  startServer,
} from '@cairn/server';
import type { Command } from 'commander';
import { mallocEnvFor, workerExecArgv } from '../server-launcher.js';
import { parsePort, parsePositiveInteger } from './option-parsers.js';

/** `cairn server`: the tracking server, with MLflow's flag names. */
export function serverCommand(program: Command): void {
  program
    .command('server')
    .description(
      'Start the tracking server. Defaults to SQLite and local artifacts under ./cairn-data.\n' +
        'Every flag can also come from the environment: CAIRN_HOST, CAIRN_PORT,\n' +
        'CAIRN_BACKEND_STORE_URI, CAIRN_ARTIFACTS_DESTINATION, CAIRN_WORKERS, CAIRN_GATEWAY_CONFIG.\n' +
        'Example: cairn server --port 5000 --backend-store-uri postgresql://u:p@db:5432/cairn --workers 4',
    )
    .option('-h, --host <host>', 'address to listen on (default 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (default 5000)', parsePort)
    .option(
      '--backend-store-uri <uri>',
      'metadata store: sqlite:///path/to/cairn.db or postgresql://user:pass@host:port/db',
    )
    .option(
      '--artifacts-destination <uri>',
      'artifact store: a directory, s3://bucket/prefix or wasbs://container@account.blob.core.windows.net/prefix',
    )
    .option(
      '-w, --workers <n>',
      'worker processes sharing the port (default 1; use PostgreSQL for more than a few)',
      parsePositiveInteger,
    )
    .option(
      '--gateway-config <file>',
      'also serve the AI gateway from this YAML (/v1/chat/completions, ...); its calls become traces',
    )
    .action(
      async (options: {
        host?: string;
        port?: number;
        backendStoreUri?: string;
        artifactsDestination?: string;
        workers?: number;
        gatewayConfig?: string;
      }) => {
        const config = loadServerConfig(options);
        if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config);
        await serveInThisProcess(config);
      },
    );
}

/** Runs one server in this process; a cluster worker reports a failed start by exiting 1. */
async function serveInThisProcess(config: ServerConfig): Promise<void> {
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer(config);
  } catch (error) {
    // A worker's IPC channel would keep it alive, so leave explicitly; the primary reports it.
    if (cluster.isWorker) {
      console.error(`cairn: worker ${process.pid}: ${describe(error)}`);
      process.exit(1);
    }
    throw error;
  }
  if (!cluster.isWorker) {
    console.log(`Cairn server listening on ${started.address} (${describeStores(config)})`);
  }
  const shutdown = () => void started.app.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/**
 * The primary of `--workers N`: migrates the schema once (so workers never race on it), forks N
 * workers sharing the port, replaces a worker that crashes after it was serving, gives up when
 * workers cannot start at all, and stops them all on SIGINT/SIGTERM.
 */
async function superviseWorkers(config: ServerConfig): Promise<void> {
  await (await openStorage(config.backendStoreUri)).close();
  const serving = new Set<Worker>();
  let stopping = false;
  let announced = false;

  cluster.on('listening', (worker, address) => {
    serving.add(worker);
    if (!announced) {
      announced = true;
      const host = address.address ?? config.host;
      console.log(
        `Cairn server listening on http://${host}:${address.port} with ${config.workers} workers (${describeStores(config)})`,
      );
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.delete(worker);
    if (stopping) {
      // Exits with process.exitCode: 0 after a requested stop, 1 after a failed start.
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    if (wasServing) {
      console.error(
        `cairn: worker ${worker.process.pid} stopped (${signal ?? `code ${code}`}); starting another`,
      );
      cluster.fork(mallocEnvFor());
      return;
    }
    // A worker that never served failed to start (bad store, port taken): retrying cannot help.
    console.error('cairn: a worker failed to start; stopping the server.');
    stopping = true;
    for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
    process.exitCode = 1;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Workers get the server's V8 heap flags and malloc settings, as the launcher gives them (see
  // server-launcher.ts).
  cluster.setupPrimary({ execArgv: workerExecArgv() });
  for (let index = 0; index < config.workers; index++) cluster.fork(mallocEnvFor());
}

function describeStores(config: ServerConfig): string {
  const gateway = config.gatewayConfig ? `, gateway ${config.gatewayConfig}` : '';
  return `store ${redactPassword(config.backendStoreUri)}, artifacts ${config.artifactsDestination}${gateway}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
