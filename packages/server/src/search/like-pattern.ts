/** A LIKE pattern read into literal text and wildcards; `\` escapes the next character. */
type PatternPiece = { literal: string } | { wildcard: 'any' | 'one' };

function readPattern(pattern: string): PatternPiece[] {
  const pieces: PatternPiece[] = [];
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '\\') {
      // A trailing backslash stands for itself rather than being an error, as a user would expect.
      index += 1;
      pieces.push({ literal: pattern[index] ?? '\\' });
    } else if (char === '%') pieces.push({ wildcard: 'any' });
    else if (char === '_') pieces.push({ wildcard: 'one' });
    else pieces.push({ literal: char });
  }
  return pieces;
}

/**
 * Rewrites a LIKE pattern with `\` as its escape character, normalised so it is always valid
 * (PostgreSQL rejects a pattern that ends in a lone escape).
 */
export function likePattern(pattern: string): string {
  return readPattern(pattern)
    .map((piece) =>
      'wildcard' in piece
        ? piece.wildcard === 'any'
          ? '%'
          : '_'
        : piece.literal.replace(/[\\%_]/, (char) => `\\${char}`),
    )
    .join('');
}

/**
 * Translates a LIKE pattern into an SQLite GLOB pattern, which matches case-sensitively (SQLite's
 * own LIKE ignores ASCII case, and `PRAGMA case_sensitive_like` would change every connection).
 */
export function globPattern(pattern: string): string {
  return readPattern(pattern)
    .map((piece) =>
      'wildcard' in piece
        ? piece.wildcard === 'any'
          ? '*'
          : '?'
        : piece.literal.replace(/[*?[]/, (char) => `[${char}]`),
    )
    .join('');
}
