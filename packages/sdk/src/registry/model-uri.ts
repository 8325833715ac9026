/** What a `models:/` or `prompts:/` URI points at. */
export type RegistryReference =
  | { name: string; kind: 'version'; version: string }
  | { name: string; kind: 'stage'; stage: string }
  | { name: string; kind: 'latest' }
  | { name: string; kind: 'alias'; alias: string };

/**
 * Parses `models:/name/3`, `models:/name/Production` (a stage, any case), `models:/name/latest`
 * and `models:/name@champion`; `prompts:/` URIs the same way (scheme given as `scheme`).
 * Only one of a suffix or an alias may be given, as MLflow's parser insists.
 *
 * @example parseRegistryUri('models:/fraud@champion') // { name: 'fraud', kind: 'alias', alias: 'champion' }
 */
export function parseRegistryUri(
  uri: string,
  scheme: 'models' | 'prompts' = 'models',
): RegistryReference {
  const prefix = `${scheme}:/`;
  const invalid = (why: string) =>
    new Error(
      `Not a proper ${scheme}:/ URI: '${uri}'. ${why} Use ${prefix}<name>/<version>, ${prefix}<name>/<stage>, ${prefix}<name>/latest or ${prefix}<name>@<alias>.`,
    );
  if (!uri.startsWith(prefix)) throw invalid(`It must start with '${prefix}'.`);
  const rest = uri.slice(prefix.length).replace(/^\/+/, '');
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const name = rest.slice(0, at);
    const alias = rest.slice(at + 1);
    if (name === '' || alias === '' || name.includes('/') || alias.includes('/'))
      throw invalid('Only one of suffix or alias can be defined at a time.');
    return { name, kind: 'alias', alias };
  }
  const parts = rest.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
    throw invalid('It names no version, stage or alias.');
  const [name, suffix] = parts as [string, string];
  if (/^\d+$/.test(suffix)) return { name, kind: 'version', version: String(Number(suffix)) };
  if (suffix.toLowerCase() === 'latest') return { name, kind: 'latest' };
  const stage = ['None', 'Staging', 'Production', 'Archived'].find(
    (candidate) => candidate.toLowerCase() === suffix.toLowerCase(),
  );
  if (!stage) throw invalid(`'${suffix}' is neither a version number, a stage nor 'latest'.`);
  return { name, kind: 'stage', stage };
}
