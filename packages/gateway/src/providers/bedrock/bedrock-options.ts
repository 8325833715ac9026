import type { ModelConfig } from '../provider.js';
import { ProviderConfigError } from '../provider-config-error.js';
import { baseUrlFrom, configValue, requireConfig } from '../shared/config-value.js';

/** Resolved settings of a Bedrock model. */
export interface BedrockSettings {
  baseUrl: string;
  region: string;
  /** SigV4 credentials, unless a Bedrock API key (bearer token) is used instead. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  bearerToken?: string;
  /** Embedding `input_type` for Cohere models on Bedrock. */
  inputType: string;
}

/**
 * Reads MLflow's AWS keys `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`,
 * `aws_region` (default us-east-1), or a Bedrock API key `aws_bearer_token_bedrock`; plus
 * `aws_endpoint_url`/`base_url` (default: the region's bedrock-runtime endpoint).
 */
export function bedrockOptions(providerId: string, model: ModelConfig): BedrockSettings {
  const config = model.config;
  const region = configValue(config, 'aws_region', 'region') ?? 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new ProviderConfigError(`${providerId}: aws_region is not a region name`, 'aws_region');
  }
  const baseUrl = baseUrlFrom(
    providerId,
    config,
    ['aws_endpoint_url', 'base_url', 'endpoint_url'],
    `https://bedrock-runtime.${region}.amazonaws.com`,
  );
  const inputType = configValue(config, 'cohere_input_type', 'input_type') ?? 'search_document';
  const bearerToken = configValue(config, 'aws_bearer_token_bedrock', 'api_key');
  if (bearerToken !== undefined) return { baseUrl, region, bearerToken, inputType };
  const accessKeyId = requireConfig(providerId, config, 'aws_access_key_id');
  const secretAccessKey = requireConfig(providerId, config, 'aws_secret_access_key');
  const sessionToken = configValue(config, 'aws_session_token');
  return {
    baseUrl,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    inputType,
  };
}
