import { InvalidArgumentError } from 'commander';

/** Parses a TCP port (0 picks a free one) for commander. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535.');
  return port;
}

/** Parses a whole number ≥ 1 for commander. */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError('must be a whole number of at least 1.');
  return value;
}

/** Collects repeated `key=value` options into a tag map. */
export function collectTag(
  text: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const separator = text.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError(`expected key=value, got '${text}'.`);
  return { ...previous, [text.slice(0, separator)]: text.slice(separator + 1) };
}

/** Collects a repeatable option into a list. */
export function collectList(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}
