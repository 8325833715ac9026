import type { FastifyInstance } from 'fastify';
import { createApp } from './app.js';
import type { ServerConfig } from './config.js';

/** Starts the app listening on `config.host:config.port`; resolves with the app and its address. */
export async function startServer(
  config: ServerConfig,
): Promise<{ app: FastifyInstance; address: string }> {
  const app = await createApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  return { app, address };
}
