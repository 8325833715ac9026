import { ProviderError } from '../provider.js';
import type { HttpContext } from './http-context.js';
import { invalidResponseError } from './provider-errors.js';

/** Parses one streamed event's JSON; garbage becomes a retryable 502 ProviderError. */
export function parseEventJson<T>(context: HttpContext, data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch (error) {
    throw invalidResponseError(context, 'streamed an event that is not JSON', error);
  }
}

/** Parses a tool call's JSON arguments for vendors that want an object; bad JSON is a 400. */
export function parseArguments(providerId: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch (error) {
    throw new ProviderError(providerId, `${providerId}: tool call arguments are not JSON`, {
      status: 400,
      cause: error,
    });
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}
