/**
 * A route target's `model.config` cannot build a provider (unknown provider id, missing key,
 * invalid value). Thrown by `createProvider`, so config validation can report the field.
 */
export class ProviderConfigError extends Error {
  /** The config key at fault, e.g. `anthropic_api_key`, or `provider`. */
  readonly field: string;

  constructor(message: string, field: string) {
    super(message);
    this.name = 'ProviderConfigError';
    this.field = field;
  }
}
