import { ProviderConfigError } from '../provider-config-error.js';

/** The first non-empty value among `keys` in a model's config (aliases, most specific first). */
export function configValue(config: Record<string, string>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** Like configValue, but a missing value is a ProviderConfigError naming the first key. */
export function requireConfig(
  providerId: string,
  config: Record<string, string>,
  ...keys: string[]
): string {
  const value = configValue(config, ...keys);
  if (value === undefined) {
    throw new ProviderConfigError(`${providerId}: model.config.${keys[0]} is required`, keys[0]!);
  }
  return value;
}

/** A base URL from config (or the vendor default) without its trailing slash; must be http(s). */
export function baseUrlFrom(
  providerId: string,
  config: Record<string, string>,
  keys: string[],
  fallback: string | undefined,
): string {
  const value = configValue(config, ...keys) ?? fallback;
  if (value === undefined) {
    throw new ProviderConfigError(`${providerId}: model.config.${keys[0]} is required`, keys[0]!);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderConfigError(`${providerId}: ${keys[0]} is not a URL`, keys[0]!);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderConfigError(`${providerId}: ${keys[0]} must be http(s)`, keys[0]!);
  }
  return value.replace(/\/+$/, '');
}
