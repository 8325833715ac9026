/**
 * Turns a judge spec into a chat model: `gateway:/route` (the Cairn gateway's OpenAI-compatible
 * `/v1/chat/completions`, the route name sent as the model), `openai:/gpt-4o` (any
 * OpenAI-compatible endpoint), or a ChatModel object used as it is.
 */
import type { ChatModel } from '@cairn/spec';
import {
  type NamedChatModel,
  openAiCompatibleChatModel,
  parseJudgeUri,
} from '../judge/openai-compatible-chat-model.js';

/** Where judge URIs point. Read from the environment by `judgeSettingsFromEnv`. */
export interface JudgeSettings {
  /** Base URL of the Cairn gateway (CAIRN_GATEWAY_URL), e.g. `http://127.0.0.1:5001`. */
  gatewayUrl?: string;
  /** Key for the gateway (CAIRN_GATEWAY_API_KEY), sent as a bearer token. */
  gatewayApiKey?: string;
  /** Base URL of the OpenAI-compatible API (OPENAI_BASE_URL; default OpenAI's public API). */
  openAiBaseUrl?: string;
  /** OPENAI_API_KEY. */
  openAiApiKey?: string;
  /** Injected for tests or proxies. */
  fetch?: typeof fetch;
}

/** A judge: a URI (`gateway:/route`, `openai:/model`) or a chat model. */
export type JudgeSpec = string | ChatModel;

const openAiDefaultBaseUrl = 'https://api.openai.com/v1';

/**
 * Reads judge settings from an environment map (callers pass `process.env` from their one
 * config module).
 */
export function judgeSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): JudgeSettings {
  const settings: JudgeSettings = {};
  if (env.CAIRN_GATEWAY_URL) settings.gatewayUrl = env.CAIRN_GATEWAY_URL;
  if (env.CAIRN_GATEWAY_API_KEY) settings.gatewayApiKey = env.CAIRN_GATEWAY_API_KEY;
  if (env.OPENAI_BASE_URL) settings.openAiBaseUrl = env.OPENAI_BASE_URL;
  if (env.OPENAI_API_KEY) settings.openAiApiKey = env.OPENAI_API_KEY;
  return settings;
}

/** The OpenAI-compatible base (ending in `/v1`) of a gateway URL given with or without it. */
function gatewayBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/**
 * The chat model a judge spec names.
 *
 * @example chatModelFromSpec('gateway:/judge', { gatewayUrl: 'http://127.0.0.1:5001' })
 */
export function chatModelFromSpec(spec: JudgeSpec, settings: JudgeSettings = {}): ChatModel {
  if (typeof spec !== 'string') return spec;
  const uri = parseJudgeUri(spec);
  if (uri.scheme === 'gateway') {
    if (!settings.gatewayUrl) {
      throw new RangeError(
        `judge '${spec}' needs the gateway's URL: set CAIRN_GATEWAY_URL (or pass gatewayUrl).`,
      );
    }
    return openAiCompatibleChatModel({
      baseUrl: gatewayBase(settings.gatewayUrl),
      model: uri.name,
      ...(settings.gatewayApiKey ? { apiKey: settings.gatewayApiKey } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
  }
  return openAiCompatibleChatModel({
    baseUrl: settings.openAiBaseUrl ?? openAiDefaultBaseUrl,
    model: uri.name,
    ...(settings.openAiApiKey ? { apiKey: settings.openAiApiKey } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

/** The name a judge spec is recorded under (its URI, or the model's own name). */
export function judgeName(spec: JudgeSpec): string {
  if (typeof spec === 'string') return spec;
  return (spec as Partial<NamedChatModel>).modelName ?? 'custom-chat-model';
}
