import type { OpenAICompatibleSettings } from '../openai/openai-compatible-settings.js';
import type { ModelConfig } from '../provider.js';
import { ProviderConfigError } from '../provider-config-error.js';
import { baseUrlFrom, configValue, requireConfig } from '../shared/config-value.js';

/** The GA api-version used when the config names none. */
export const defaultAzureApiVersion = '2024-10-21';

/**
 * Reads an Azure OpenAI model config with MLflow's keys: `openai_api_base` (or `azure_endpoint`),
 * `openai_deployment_name` (default: the model name), `openai_api_version`, and either an API key
 * (`openai_api_type: azure`, sent as `api-key`) or an Azure AD token (`openai_api_type: azuread`,
 * or `azure_ad_token`, sent as a bearer token).
 */
export function azureOptions(providerId: string, model: ModelConfig): OpenAICompatibleSettings {
  const config = model.config;
  const apiType = (configValue(config, 'openai_api_type') ?? 'azure').toLowerCase();
  if (apiType !== 'azure' && apiType !== 'azuread') {
    throw new ProviderConfigError(
      `${providerId}: openai_api_type must be azure or azuread, not ${apiType}`,
      'openai_api_type',
    );
  }
  const baseUrl = baseUrlFrom(
    providerId,
    config,
    ['openai_api_base', 'azure_endpoint', 'base_url', 'api_base'],
    undefined,
  ).replace(/\/openai$/, '');
  const deployment = configValue(config, 'openai_deployment_name', 'deployment_name') ?? model.name;
  const apiVersion =
    configValue(config, 'openai_api_version', 'api_version') ?? defaultAzureApiVersion;
  const adToken = configValue(config, 'azure_ad_token');
  const headers: Record<string, string> = {};
  let secret: string;
  if (adToken !== undefined || apiType === 'azuread') {
    secret = adToken ?? requireConfig(providerId, config, 'openai_api_key', 'azure_ad_token');
    headers.authorization = `Bearer ${secret}`;
  } else {
    secret = requireConfig(providerId, config, 'openai_api_key', 'azure_api_key', 'api_key');
    headers['api-key'] = secret;
  }
  const deploymentUrl = `${baseUrl}/openai/deployments/${encodeURIComponent(deployment)}`;
  const query = `api-version=${encodeURIComponent(apiVersion)}`;
  return {
    providerId,
    model: deployment,
    url: (operation) => `${deploymentUrl}/${operation}?${query}`,
    headers,
    secrets: [secret],
    completions: true,
    embeddings: true,
    // The deployment in the URL picks the model; Azure ignores (older versions reject) `model`.
    sendModel: false,
  };
}
