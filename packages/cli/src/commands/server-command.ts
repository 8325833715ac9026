import cluster from 'node:cluster';
import { loadServerConfig, redactPassword, startServer } from '@cairn/server';
import { type Command, InvalidArgumentError } from 'commander';

/** `cairn server`: the tracking server, with MLflow's flag names. */
export function serverCommand(program: Command): void {
  program
    .command('server')
    .description(
      'Start the tracking server. Defaults to SQLite and local artifacts under ./cairn-data.\n' +
        'Every flag can also come from the environment: CAIRN_HOST, CAIRN_PORT,\n' +
        'CAIRN_BACKEND_STORE_URI, CAIRN_ARTIFACTS_DESTINATION, CAIRN_WORKERS.',
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
      'worker processes sharing the port (default 1)',
      parsePositiveInteger,
    )
    .action(
      async (options: {
        host?: string;
        port?: number;
        backendStoreUri?: string;
        artifactsDestination?: string;
        workers?: number;
      }) => {
        const config = loadServerConfig(options);
        if (config.workers > 1 && cluster.isPrimary) {
          // Migrate once in the primary so workers never race on the schema.
          const { openStorage } = await import('@cairn/server');
          await (await openStorage(config.backendStoreUri)).close();
          for (let index = 0; index < config.workers; index++) cluster.fork();
          cluster.on('exit', (worker, code) => {
            if (code !== 0)
              console.error(
                `worker ${worker.process.pid} exited with code ${code}; starting another`,
              );
            if (code !== 0) cluster.fork();
          });
          console.log(
            `Cairn server on http://${config.host}:${config.port} with ${config.workers} workers (store ${redactPassword(config.backendStoreUri)}, artifacts ${config.artifactsDestination})`,
          );
          return;
        }
        const { app, address } = await startServer(config);
        if (!cluster.isWorker) {
          console.log(
            `Cairn server listening on ${address} (store ${redactPassword(config.backendStoreUri)}, artifacts ${config.artifactsDestination})`,
          );
        }
        const shutdown = () => void app.close().then(() => process.exit(0));
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      },
    );
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535.');
  return port;
}

/** Parses a whole number ≥ 1 for commander. */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError('must be a whole number of at least 1.');
  return value;
}
