/**
 * The model price catalogue: list prices in USD per million tokens, used to put a cost on every
 * logged LLM call. Prices change; a user override file (JSON, see `parsePriceCatalogueOverride`)
 * corrects or extends them without a release.
 */

/** Price of one model, in USD per million tokens. */
export interface ModelPrice {
  provider: 'openai' | 'anthropic' | 'google' | 'mistral' | (string & {});
  promptPer1M: number;
  completionPer1M: number;
  /** Higher rate for long prompts (Gemini bills prompts above a threshold at a second rate). */
  longContext?: { aboveTokens: number; promptPer1M: number; completionPer1M: number };
}

/** A set of model prices and the date they were taken. */
export interface PriceCatalogue {
  /** ISO date on which the prices were read off the providers' price lists. */
  asOf: string;
  currency: 'USD';
  /** Keyed by canonical model name (see `normalizeModelName`). */
  models: Record<string, ModelPrice>;
}

/** Token counts of one call, as a cost is computed from them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

const openai = (promptPer1M: number, completionPer1M: number): ModelPrice => ({
  provider: 'openai',
  promptPer1M,
  completionPer1M,
});
const anthropic = (promptPer1M: number, completionPer1M: number): ModelPrice => ({
  provider: 'anthropic',
  promptPer1M,
  completionPer1M,
});
const mistral = (promptPer1M: number, completionPer1M: number): ModelPrice => ({
  provider: 'mistral',
  promptPer1M,
  completionPer1M,
});
const google = (
  promptPer1M: number,
  completionPer1M: number,
  longContext?: ModelPrice['longContext'],
): ModelPrice => ({ provider: 'google', promptPer1M, completionPer1M, longContext });

/** Standard (non-batch, uncached) list prices, as published by each provider on `asOf`. */
export const defaultPriceCatalogue: PriceCatalogue = {
  asOf: '2025-10-01',
  currency: 'USD',
  models: {
    'gpt-5': openai(1.25, 10),
    'gpt-5-mini': openai(0.25, 2),
    'gpt-5-nano': openai(0.05, 0.4),
    'gpt-4o': openai(2.5, 10),
    'gpt-4o-mini': openai(0.15, 0.6),
    'gpt-4.1': openai(2, 8),
    'gpt-4.1-mini': openai(0.4, 1.6),
    'gpt-4.1-nano': openai(0.1, 0.4),
    'gpt-4-turbo': openai(10, 30),
    'gpt-4': openai(30, 60),
    'gpt-4-32k': openai(60, 120),
    'gpt-3.5-turbo': openai(0.5, 1.5),
    o1: openai(15, 60),
    'o1-mini': openai(1.1, 4.4),
    'o1-pro': openai(150, 600),
    o3: openai(2, 8),
    'o3-mini': openai(1.1, 4.4),
    'o3-pro': openai(20, 80),
    'o4-mini': openai(1.1, 4.4),
    'text-embedding-3-small': openai(0.02, 0),
    'text-embedding-3-large': openai(0.13, 0),
    'text-embedding-ada-002': openai(0.1, 0),

    'claude-opus-4-1': anthropic(15, 75),
    'claude-opus-4': anthropic(15, 75),
    'claude-sonnet-4-5': anthropic(3, 15),
    'claude-sonnet-4': anthropic(3, 15),
    'claude-3-7-sonnet': anthropic(3, 15),
    'claude-3-5-sonnet': anthropic(3, 15),
    'claude-3-5-haiku': anthropic(0.8, 4),
    'claude-3-opus': anthropic(15, 75),
    'claude-3-sonnet': anthropic(3, 15),
    'claude-3-haiku': anthropic(0.25, 1.25),

    'gemini-2.5-pro': google(1.25, 10, {
      aboveTokens: 200_000,
      promptPer1M: 2.5,
      completionPer1M: 15,
    }),
    'gemini-2.5-flash': google(0.3, 2.5),
    'gemini-2.5-flash-lite': google(0.1, 0.4),
    'gemini-2.0-flash': google(0.1, 0.4),
    'gemini-2.0-flash-lite': google(0.075, 0.3),
    'gemini-1.5-pro': google(1.25, 5, {
      aboveTokens: 128_000,
      promptPer1M: 2.5,
      completionPer1M: 10,
    }),
    'gemini-1.5-flash': google(0.075, 0.3, {
      aboveTokens: 128_000,
      promptPer1M: 0.15,
      completionPer1M: 0.6,
    }),
    'gemini-1.5-flash-8b': google(0.0375, 0.15, {
      aboveTokens: 128_000,
      promptPer1M: 0.075,
      completionPer1M: 0.3,
    }),

    'mistral-large': mistral(2, 6),
    'mistral-medium': mistral(0.4, 2),
    'mistral-small': mistral(0.1, 0.3),
    codestral: mistral(0.3, 0.9),
    'open-mistral-nemo': mistral(0.15, 0.15),
  },
};

// Names that differ from the canonical key by more than a dated or versioned suffix.
const aliases: Record<string, string> = {
  'gpt-4-turbo-preview': 'gpt-4-turbo',
  'gpt-4-1106-preview': 'gpt-4-turbo',
  'gpt-4-0125-preview': 'gpt-4-turbo',
  'gpt-4-vision-preview': 'gpt-4-turbo',
  'o1-preview': 'o1',
  'mistral-nemo': 'open-mistral-nemo',
};

// Suffixes providers append to a model's name for a dated snapshot or a version; stripped in turn.
const snapshotSuffixes: RegExp[] = [
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: gpt-4o-2024-08-06
  /[-@]\d{8}$/, // Anthropic: claude-3-5-sonnet-20241022, Vertex: claude-3-5-sonnet@20240620
  /-v\d+(:\d+)?$/, // Bedrock: anthropic.claude-3-haiku-20240307-v1:0
  /-\d{3,4}$/, // OpenAI gpt-4-0613, Mistral mistral-large-2411, Gemini gemini-1.5-pro-002
  /-latest$/, // claude-3-5-sonnet-latest, mistral-large-latest
];

/**
 * The canonical catalogue name of a model: lower case, without a provider prefix
 * (`openai/gpt-4o`, `models/gemini-1.5-pro`, `anthropic.claude-…`) or a snapshot suffix
 * (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`, `mistral-large-latest`).
 *
 * @example normalizeModelName('openai/gpt-4o-2024-08-06') // 'gpt-4o'
 */
export function normalizeModelName(model: string): string {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  // Bedrock ids: anthropic.claude-…, or us.anthropic.claude-… for cross-region inference.
  name = name.replace(/^([a-z]{2}\.)?(anthropic|openai|mistral|google|meta|amazon|cohere)\./, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of snapshotSuffixes) {
      const stripped = name.replace(suffix, '');
      if (stripped !== name && stripped.length > 0) {
        name = stripped;
        changed = true;
      }
    }
  }
  // Anthropic spells versions both ways: claude-3.5-sonnet and claude-3-5-sonnet.
  name = name.replace(/^claude-(\d)\.(\d)-/, 'claude-$1-$2-');
  // Claude 4 names: claude-4-sonnet (old order) and claude-sonnet-4-0 (alias) mean claude-sonnet-4.
  name = name.replace(/^claude-([4-9])-(opus|sonnet|haiku)$/, 'claude-$2-$1');
  name = name.replace(/^claude-(opus|sonnet|haiku)-(\d)-0$/, 'claude-$1-$2');
  return aliases[name] ?? name;
}

/** The price of `model` in `catalogue`, or undefined when the model is not listed. */
export function findModelPrice(
  model: string,
  catalogue: PriceCatalogue = defaultPriceCatalogue,
): ModelPrice | undefined {
  const exact = model.trim().toLowerCase();
  return catalogue.models[exact] ?? catalogue.models[normalizeModelName(model)];
}

/**
 * The cost in USD of one call, or undefined for a model the catalogue does not list.
 *
 * @example costOf('gpt-4o', { promptTokens: 1000, completionTokens: 500 }) // 0.0075
 */
export function costOf(
  model: string,
  usage: TokenUsage,
  catalogue: PriceCatalogue = defaultPriceCatalogue,
): number | undefined {
  const price = findModelPrice(model, catalogue);
  return price ? costAtPrice(price, usage) : undefined;
}

/**
 * The cost in USD of one call at a price already looked up (the long-context rate when the
 * prompt is over its threshold); for callers that price many calls of one model.
 */
export function costAtPrice(price: ModelPrice, usage: TokenUsage): number {
  const rate =
    price.longContext && usage.promptTokens > price.longContext.aboveTokens
      ? price.longContext
      : price;
  const cost =
    (usage.promptTokens * rate.promptPer1M + usage.completionTokens * rate.completionPer1M) / 1e6;
  // Drop float noise (0.1 + 0.2) that would otherwise show in logged metrics.
  return Math.round(cost * 1e12) / 1e12;
}

/**
 * Validates a user override (parsed JSON): either `{ "asOf"?, "models": { name: price } }` or a
 * bare `{ name: price }` map, each price `{ "promptPer1M", "completionPer1M", "provider"? }`.
 * Throws an Error naming the first bad entry.
 */
export function parsePriceCatalogueOverride(json: unknown): Partial<PriceCatalogue> {
  if (!isRecord(json)) throw new Error('A price catalogue must be a JSON object.');
  const models = isRecord(json.models) ? json.models : json;
  const parsed: Record<string, ModelPrice> = {};
  for (const [name, entry] of Object.entries(models)) {
    if (name === 'asOf' || name === 'currency') continue;
    if (!isRecord(entry) || !isPrice(entry.promptPer1M) || !isPrice(entry.completionPer1M)) {
      throw new Error(
        `Price catalogue entry '${name}' needs non-negative numbers promptPer1M and completionPer1M.`,
      );
    }
    // Kept as written (lower case): an override for one dated snapshot must not reprice the rest.
    parsed[name.trim().toLowerCase()] = {
      provider: typeof entry.provider === 'string' ? entry.provider : 'custom',
      promptPer1M: entry.promptPer1M,
      completionPer1M: entry.completionPer1M,
    };
  }
  const asOf = typeof json.asOf === 'string' ? json.asOf : undefined;
  return { ...(asOf ? { asOf } : {}), models: parsed };
}

/** `base` with `override`'s models added or replaced (override wins). */
export function mergePriceCatalogue(
  base: PriceCatalogue,
  override: Partial<PriceCatalogue>,
): PriceCatalogue {
  return {
    asOf: override.asOf ?? base.asOf,
    currency: 'USD',
    models: { ...base.models, ...override.models },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
