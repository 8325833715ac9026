/**
 * PostgreSQL array literals, built here rather than by pg's per-element serialisation (several
 * times cheaper for batch inserts); they are still bound as parameters, never spliced into SQL.
 */

/** A text[] literal; null elements become NULL. */
export function textArray(values: readonly (string | null)[]): string {
  let literal = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) literal += ',';
    const value = values[index];
    if (value === null || value === undefined) literal += 'NULL';
    else literal += `"${escapeElement(value)}"`;
  }
  return `${literal}}`;
}

/** A numeric (int8[], float8[], int4[]) literal; null elements become NULL. */
export function numberArray(values: readonly (number | bigint | null)[]): string {
  let literal = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) literal += ',';
    const value = values[index];
    literal += value === null || value === undefined ? 'NULL' : String(value);
  }
  return `${literal}}`;
}

function escapeElement(value: string): string {
  return value.indexOf('"') === -1 && value.indexOf('\\') === -1
    ? value
    : value.replace(/[\\"]/g, '\\$&');
}
