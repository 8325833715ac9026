import { invalidParameter } from '../errors.js';

/** How many rounds of percent-decoding a path may need before it is considered hostile. */
const maxDecodeRounds = 10;

/**
 * Percent-decodes `text` once, leaving malformed escapes as they are (like Python's
 * `urllib.parse.unquote`, unlike `decodeURIComponent`, which throws on `100%.txt`).
 */
export function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (escapes) =>
    Buffer.from(escapes.replaceAll('%', ''), 'hex').toString('utf8'),
  );
}

/**
 * Checks that an artifact path can be joined under a trusted root, and returns it normalised
 * (forward slashes, no empty or `.` segments, no trailing slash; `''` is the root itself).
 *
 * Every form of the path is checked: as given, and after each round of percent-decoding until it
 * stops changing (MLflow's `validate_path_is_safe`), so `%2e%2e%2f` and `%252e%252e%252f` are
 * caught. Rejected: NUL bytes, backslashes, `..` segments, absolute paths, drive letters and URI
 * schemes (`file:///etc`), and `#`, `?` or `;`, which URL-based stores would read as delimiters.
 * Throws INVALID_PARAMETER_VALUE "Invalid path", as MLflow does.
 */
export function safeArtifactPath(path: string): string {
  assertSafeForms(path);
  const normalised = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
  // Dropping segments can bring an encoded `/` to the front (`./%2fetc` → `%2fetc`).
  assertSafeForms(normalised);
  return normalised;
}

function assertSafeForms(path: string): void {
  let form = path;
  for (let round = 0; ; round++) {
    if (!isSafeForm(form)) throw invalidParameter('Invalid path');
    const decoded = percentDecode(form);
    if (decoded === form) return;
    if (round === maxDecodeRounds) throw invalidParameter('Invalid path');
    form = decoded;
  }
}

function isSafeForm(form: string): boolean {
  if (/[\0\\#?;]/.test(form)) return false;
  if (form.startsWith('/')) return false;
  // A scheme (`file:`, `s3:`) or a Windows drive letter (`C:`) in the first segment.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(form)) return false;
  return !form.split('/').includes('..');
}

/** Joins normalised artifact paths, skipping empty parts. */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

/** The last segment of a normalised artifact path. */
export function artifactBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
