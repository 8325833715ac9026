/** What every provider's HTTP calls share: who is calling, with which fetch, hiding which secrets. */
export interface HttpContext {
  /** Provider id, named in every error message. */
  providerId: string;
  /** Global fetch unless the caller injected one (e.g. with a keep-alive dispatcher). */
  fetch: typeof fetch;
  /** Config values (keys, tokens) that must never appear in an error message. */
  secrets: string[];
}
