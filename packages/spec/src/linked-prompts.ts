/** The trace (and run) tag listing the prompt versions used, as MLflow names and shapes it. */
export const linkedPromptsTag = 'mlflow.linkedPrompts';

/** One entry of the `mlflow.linkedPrompts` list. */
export interface LinkedPrompt {
  name: string;
  version: string;
}

/**
 * Adds prompt versions to a `mlflow.linkedPrompts` value, once each, keeping earlier entries
 * first: a trace that used two prompts links both. An existing value that is not such a list
 * is replaced.
 */
export function mergeLinkedPrompts(
  existing: string | undefined,
  added: readonly LinkedPrompt[],
): string {
  const merged: LinkedPrompt[] = [];
  const seen = new Set<string>();
  for (const prompt of [...(parseLinkedPrompts(existing) ?? []), ...added]) {
    const key = `${prompt.name}\u0000${prompt.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push({ name: prompt.name, version: String(prompt.version) });
  }
  return JSON.stringify(merged);
}

/** The entries of a `mlflow.linkedPrompts` value, or undefined when it is not such a list. */
export function parseLinkedPrompts(text: string | undefined): LinkedPrompt[] | undefined {
  if (text === undefined) return undefined;
  try {
    return linkedPromptsOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The entries of an already decoded `mlflow.linkedPrompts` list, or undefined when it is not one. */
export function linkedPromptsOf(value: unknown): LinkedPrompt[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const prompts: LinkedPrompt[] = [];
  for (const item of value) {
    const entry = item as { name?: unknown; version?: unknown } | null;
    if (typeof entry?.name !== 'string') return undefined;
    if (typeof entry.version !== 'string' && typeof entry.version !== 'number') return undefined;
    prompts.push({ name: entry.name, version: String(entry.version) });
  }
  return prompts;
}
