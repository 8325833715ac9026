import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The built UI, found from this file: `src/web-ui/` and `dist/web-ui/` both sit four levels
 * below the repository root, so one relative path serves tests (src) and the CLI (dist).
 */
const defaultRoot = fileURLToPath(new URL('../../../../apps/web/dist/', import.meta.url));

/** Paths the UI must never shadow: they belong to the API even when nothing matches there. */
const apiPrefixes = [
  '/api/',
  '/ajax-api/',
  '/v1/',
  '/health',
  '/version',
  '/metrics',
  '/get-artifact',
];

/**
 * Serves the web UI (apps/web/dist) at `/`: its files as they are, and index.html for any other
 * GET that is not an API path, so deep links like /runs/abc load the app. Skips quietly when the
 * UI has not been built. Routes go through the app's global authorization hook like any other.
 */
export function registerWebUi(app: FastifyInstance, root: string = defaultRoot): void {
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) {
    app.log.info(
      `web UI not built (no ${indexPath}); run \`npm run build -w @cairn/web\` to serve it`,
    );
    return;
  }
  // `wildcard: false` registers one route per built file, so unknown paths reach our fallback.
  app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false });
  let indexHtml: Promise<Buffer> | undefined;
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (
      apiPrefixes.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))
    ) {
      return reply.callNotFound();
    }
    indexHtml ??= readFile(indexPath);
    return reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .send(await indexHtml);
  });
}
