import type { ModelStage } from '@cairn/spec';
import { invalidParameter } from '../errors.js';

/** MLflow's registry limits (mlflow/utils/validation.py and the SQL store's column sizes). */
export const registryLimits = {
  nameLength: 256,
  aliasLength: 255,
  tagKeyLength: 250,
  tagValueLength: 5000,
  descriptionLength: 65535,
  /** Prompt templates live in a version tag; MLflow widened that column to TEXT for them. */
  promptTextLength: 100_000,
} as const;

/** The version tag MLflow stores a prompt's template in. */
export const promptTextTag = 'mlflow.prompt.text';
/** The registered-model tag that makes a registered model a prompt. */
export const promptMarkerTag = 'mlflow.prompt.is_prompt';

const stages: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];
/** How a deleted version is kept: its number is never reused. */
export const deletedStage = 'Deleted_Internal';

/**
 * Rejects names MLflow rejects (empty) and names that would break `models:/` URIs or artifact
 * paths: `/`, `@`, control characters, leading or trailing blanks, over 256 characters.
 */
export function validateModelName(name: string, field = 'name'): void {
  if (name === '') throw invalidParameter(`Registered model ${field} cannot be empty.`);
  if (name.length > registryLimits.nameLength)
    throw invalidParameter(
      `Registered model ${field} '${name.slice(0, 64)}…' exceeds the maximum length of ${registryLimits.nameLength} characters.`,
    );
  if (/[/@\p{Cc}]/u.test(name) || name.trim() !== name || name === '.' || name === '..')
    throw invalidParameter(
      `Invalid registered model ${field}: '${name}'. Names may not contain '/', '@', control characters, or leading or trailing spaces, and may not be '.' or '..'.`,
    );
}

/** MLflow's alias rules: `^[\w-]*$`, ≤255, not `latest`, not `v<digits>`. */
export function validateAlias(alias: string): void {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias))
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  if (alias.length > registryLimits.aliasLength)
    throw invalidParameter(
      `Registered model alias name '${alias.slice(0, 64)}…' exceeds the maximum length of ${registryLimits.aliasLength} characters.`,
    );
  if (alias.toLowerCase() === 'latest')
    throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
}

/** A version number: a positive integer given as text or a number. */
export function parseVersion(version: string): number {
  const trimmed = version.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed)) || Number(trimmed) < 1)
    throw invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`);
  return Number(trimmed);
}

/** A stage name, matched case-insensitively, in its canonical spelling. */
export function parseStage(stage: string): ModelStage {
  const found = stages.find((candidate) => candidate.toLowerCase() === stage.trim().toLowerCase());
  if (!found)
    throw invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of ${stages.join(', ')}.`,
    );
  return found;
}

/** Registry tag keys follow MLflow's tag-name rules; values are capped (prompt text more generously). */
export function validateRegistryTag(key: string, value: string): void {
  if (key === '') throw invalidParameter('Tag key cannot be empty.');
  if (!/^[\p{L}\p{N}_/.\- :]*$/u.test(key))
    throw invalidParameter(
      `Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  if (key.split('/').some((segment) => segment === '..' || segment === '.') || key.startsWith('/'))
    throw invalidParameter(
      `Invalid tag name: '${key}'. Names may not contain '.' or '..' segments.`,
    );
  if (key.length > registryLimits.tagKeyLength)
    throw invalidParameter(
      `Tag key '${key.slice(0, 64)}…' exceeds the maximum length of ${registryLimits.tagKeyLength} characters.`,
    );
  const limit =
    key === promptTextTag ? registryLimits.promptTextLength : registryLimits.tagValueLength;
  if (value.length > limit)
    throw invalidParameter(
      key === promptTextTag
        ? `Prompt text exceeds max length of ${limit} characters.`
        : `Tag value for key '${key}' exceeds the maximum length of ${limit} characters.`,
    );
}

/** Descriptions are free text, capped so one request cannot bloat the store. */
export function validateDescription(description: string | undefined): void {
  if (description !== undefined && description.length > registryLimits.descriptionLength)
    throw invalidParameter(
      `Description exceeds the maximum length of ${registryLimits.descriptionLength} characters.`,
    );
}
