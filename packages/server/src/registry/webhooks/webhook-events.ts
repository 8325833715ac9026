import type { WebhookEvent } from '@cairn/spec';
import { invalidParameter } from '../../errors.js';

/** Every `entity.action` a webhook may subscribe to: MLflow's, plus Cairn's stage event. */
export const webhookEventNames = [
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'model_version_stage.transitioned',
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
] as const;

const known = new Set<string>(webhookEventNames);

/**
 * Reads an event as MLflow's proto JSON has it (`{entity: 'MODEL_VERSION', action: 'CREATED'}`),
 * lower case accepted too; returns `model_version.created`.
 */
export function parseWebhookEvent(entity: string, action: string): string {
  const name = `${entity.toLowerCase()}.${action.toLowerCase()}`;
  if (!known.has(name))
    throw invalidParameter(
      `Invalid webhook event '${entity}.${action}'. Valid events are: ${webhookEventNames.join(', ')}.`,
    );
  return name;
}

/** `model_version.created` → `{entity: 'MODEL_VERSION', action: 'CREATED'}` (proto enum names). */
export function webhookEventToJson(name: string): WebhookEvent {
  const [entity = '', action = ''] = name.split('.');
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
}

/** MLflow's example payload for a test delivery of `event`. */
export function examplePayload(event: string): Record<string, unknown> {
  const [entity = ''] = event.split('.');
  const isPrompt = entity.startsWith('prompt');
  const name = isPrompt ? 'example_prompt' : 'example_model';
  switch (entity) {
    case 'registered_model':
    case 'prompt':
      return { name, tags: { example_key: 'example_value' }, description: `An example ${entity}` };
    case 'model_version':
      return {
        name,
        version: '1',
        source: 'runs:/abcd1234abcd5678/model',
        run_id: 'abcd1234abcd5678',
        tags: { example_key: 'example_value' },
        description: 'An example model version',
      };
    case 'prompt_version':
      return {
        name,
        version: '1',
        template: 'Hello {{name}}',
        tags: { example_key: 'example_value' },
        description: 'An example prompt version',
      };
    case 'model_version_stage':
      return { name, version: '1', from_stage: 'Staging', to_stage: 'Production' };
    case 'model_version_alias':
    case 'prompt_alias':
      return event.endsWith('.deleted')
        ? { name, alias: 'example_alias' }
        : { name, alias: 'example_alias', version: '1' };
    case 'prompt_tag':
      return event.endsWith('.deleted')
        ? { name, key: 'example_key' }
        : { name, key: 'example_key', value: 'example_value' };
    default:
      return event.endsWith('.deleted')
        ? { name, version: '1', key: 'example_key' }
        : { name, version: '1', key: 'example_key', value: 'example_value' };
  }
}

/** The JSON body of a delivery: `{entity, action, timestamp (ISO-8601 UTC), data}`. */
export function deliveryBody(event: string, data: unknown, timestampMs: number): string {
  const [entity, action] = event.split('.');
  return JSON.stringify({
    entity,
    action,
    timestamp: new Date(timestampMs).toISOString(),
    data,
  });
}
