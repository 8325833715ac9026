import { readFileSync } from 'node:fs';
import {
  defaultPriceCatalogue,
  mergePriceCatalogue,
  type PriceCatalogue,
  parsePriceCatalogueOverride,
} from '@cairn/spec';

/**
 * The built-in price catalogue, with the user's override file merged in when `path` names one
 * (the SDK passes CAIRN_PRICE_CATALOGUE). A bad file is an error, not silently ignored:
 * wrong prices would quietly corrupt every cost figure.
 */
export function loadPriceCatalogue(path: string | undefined): PriceCatalogue {
  if (!path) return defaultPriceCatalogue;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the price catalogue '${path}' (CAIRN_PRICE_CATALOGUE)`, {
      cause: error,
    });
  }
  return mergePriceCatalogue(defaultPriceCatalogue, parsePriceCatalogueOverride(json));
}
