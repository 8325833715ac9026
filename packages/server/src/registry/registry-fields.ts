import type { Tag } from '@cairn/spec';
import type { FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.js';
import type { RequestFields } from '../http/request-fields.js';
import {
  parseVersion,
  validateAlias,
  validateModelName,
  validateRegistryTag,
} from './registry-validation.js';

/** The required, validated `name` field (or another field holding a model name). */
export function modelNameField(fields: RequestFields, field = 'name'): string {
  const name = fields.requiredString(field);
  validateModelName(name, field === 'new_name' ? 'new name' : 'name');
  return name;
}

/** The required `version` field as a number. */
export function versionField(fields: RequestFields): number {
  return parseVersion(fields.requiredString('version'));
}

/** The required, validated `alias` field. */
export function aliasField(fields: RequestFields): string {
  const alias = fields.requiredString('alias');
  validateAlias(alias);
  return alias;
}

/** A `tags` list of `{key, value}`; every tag checked before anything is written. */
export function tagsField(fields: RequestFields): Tag[] {
  return fields.objectList('tags').map((tag) => {
    const key = tag.requiredString('key');
    const value = tag.optionalString('value') ?? '';
    validateRegistryTag(key, value);
    return { key, value };
  });
}

/** A single tag from `key` and `value` fields. */
export function tagField(fields: RequestFields, valueRequired = false): Tag {
  const key = fields.requiredString('key');
  const value = fields.optionalString('value');
  if (value === undefined && valueRequired)
    throw invalidParameter(
      "Missing value for required parameter 'value'. See the API docs for more information about request parameters.",
    );
  validateRegistryTag(key, value ?? '');
  return { key, value: value ?? '' };
}

/** `max_results` with MLflow's default and cap for the API at hand. */
export function maxResultsField(fields: RequestFields, defaultValue: number, cap: number): number {
  const value = fields.optionalInteger('max_results') ?? defaultValue;
  if (value < 1)
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be a positive integer, but got value ${value}`,
    );
  if (value > cap)
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${cap}, but got value ${value}`,
    );
  return value;
}

/**
 * Who made a change, for the registry history and `user_id`. Set by an authentication hook as
 * `request.user`, else the `X-Cairn-User` header a trusted proxy may add; unknown otherwise.
 */
export function actorOf(request: FastifyRequest): string | undefined {
  const user = (request as FastifyRequest & { user?: { name?: string } | string }).user;
  if (typeof user === 'string') return user;
  if (user?.name) return user.name;
  const header = request.headers['x-cairn-user'];
  return typeof header === 'string' && header !== '' ? header.slice(0, 256) : undefined;
}
