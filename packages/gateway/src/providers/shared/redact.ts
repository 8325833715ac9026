/** Removes every secret from `text`, so a vendor echoing a key back never leaks it into errors. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values (e.g. "x" in tests, "none") would shred the message without protecting much.
    if (secret.length >= 6) result = result.split(secret).join('[redacted]');
  }
  return result;
}
