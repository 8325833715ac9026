import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { cairnRoute } from '../http/cairn-route.js';
import { RequestFields } from '../http/request-fields.js';
import type { TrackingStore } from '../tracking/index.js';
import { buildLineage } from './lineage.js';
import { renderModelCardMarkdown } from './model-card.js';
import type { ModelCardService } from './model-card-service.js';
import type { RegistryDeps } from './registry-deps.js';
import { modelNameField, versionField } from './registry-fields.js';

/**
 * Cairn's registry additions: `GET /api/2.0/cairn/registered-models/lineage` and
 * `GET /api/2.0/cairn/model-versions/card?format=markdown|json` (the card is also stored).
 */
export function registerLineageRoutes(
  app: FastifyInstance,
  deps: RegistryDeps,
  tracking: TrackingStore,
  cards: ModelCardService,
): void {
  cairnRoute(app, 'GET', '/registered-models/lineage', async (input) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    return buildLineage(deps.context.storage, tracking, deps.versions, name, versionField(fields));
  });

  for (const prefix of ['/api/2.0/cairn', '/ajax-api/2.0/cairn']) {
    app.get(`${prefix}/model-versions/card`, async (request, reply) => {
      const fields = new RequestFields(request.query as Record<string, unknown>);
      const name = modelNameField(fields);
      const version = versionField(fields);
      const format = fields.optionalString('format') ?? 'markdown';
      if (format !== 'markdown' && format !== 'json')
        throw invalidParameter(`Invalid format '${format}': use markdown or json.`);
      // Reading a card stores it too, so the stored copy exists even for versions whose last
      // change happened while the artifact store was unavailable.
      const card = await cards.refresh(name, version).catch(async (error: unknown) => {
        request.log.warn({ err: error }, 'could not store the model card');
        return cards.render(name, version);
      });
      if (format === 'json') return { model_card: card };
      return reply
        .type('text/markdown; charset=utf-8')
        .header('X-Content-Type-Options', 'nosniff')
        .send(renderModelCardMarkdown(card));
    });
  }
}
