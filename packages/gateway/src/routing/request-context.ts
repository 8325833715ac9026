/** Who is calling and with what: feeds conditions, the A/B split, limits, budgets and logs. */
export interface RequestContext {
  /** `x-cairn-user`, else the body's `user`. */
  user?: string;
  /** `x-cairn-session`. */
  session?: string;
  /** `x-cairn-tags`: `team=search,env=prod` (a bare name has the value ''). */
  tags: Record<string, string>;
  /** Request headers, lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body's `metadata` object merged with `x-cairn-metadata-*` headers. */
  metadata: Record<string, string>;
  /** The virtual key's id, when keys are in use. */
  keyId?: string;
}

/** Parses `x-cairn-tags`: comma-separated `name=value` or bare `name`. */
export function parseTags(header: string | string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (header === undefined) return tags;
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const equals = trimmed.indexOf('=');
    if (equals < 0) tags[trimmed] = '';
    else tags[trimmed.slice(0, equals).trim()] = trimmed.slice(equals + 1).trim();
  }
  return tags;
}
