/** The endpoints of an OpenAI-style API, relative to its base. */
export type OpenAIOperation = 'chat/completions' | 'completions' | 'embeddings';

/**
 * Everything that distinguishes one OpenAI-speaking service from another: where it lives, how it
 * authenticates and what it can do. OpenAI, Azure and the compatible family are all one of these.
 */
export interface OpenAICompatibleSettings {
  /** Provider id named in errors and on the Provider. */
  providerId: string;
  /** The upstream model (or Azure deployment) name. */
  model: string;
  /** The full URL of an operation (Azure adds the deployment and `api-version`). */
  url: (operation: OpenAIOperation) => string;
  /** Auth and vendor headers sent with every request. */
  headers: Record<string, string>;
  /** Config values that must never appear in error messages. */
  secrets: string[];
  /** Whether the service has the legacy `/completions` endpoint (else it is served via chat). */
  completions: boolean;
  /** Whether the service has `/embeddings`. */
  embeddings: boolean;
  /** Whether the body names the model (Azure's deployment URL already does). */
  sendModel: boolean;
}
