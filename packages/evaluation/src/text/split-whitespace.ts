/**
 * Python's `str.split()` with no argument: splits on runs of Unicode whitespace as Python defines
 * it (which differs from JavaScript's `\s`: it includes U+001C–U+001F and excludes U+FEFF) and
 * drops empty strings. Reference tokenizers are defined in terms of it.
 */

/** The characters Python's `str.isspace()` accepts, as the body of a regex character class. */
export const pythonWhitespaceClass =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

// Built from a string: the class names control characters on purpose (Python treats them as space).
const pythonWhitespace = new RegExp(`[${pythonWhitespaceClass}]+`);
const whitespaceOtherThanSpace = new RegExp(`[${pythonWhitespaceClass.replace(' ', '')}]`);

/** Splits `text` exactly as Python's `text.split()` does. */
export function splitWhitespace(text: string): string[] {
  // Fast path for the common case of plain spaces only (a test allocates nothing).
  if (!whitespaceOtherThanSpace.test(text)) {
    // Compacting in place skips the closure call and second array of `filter`.
    const parts = text.split(' ');
    let kept = 0;
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (part !== '') parts[kept++] = part;
    }
    parts.length = kept;
    return parts;
  }
  const parts = text.split(pythonWhitespace);
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}
